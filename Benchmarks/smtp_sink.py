"""A fast SMTP sink for Benchmarks/outbox.sh: accepts every message, counts them and their distinct
Message-IDs, and writes the counts as JSON when it gets SIGTERM or SIGINT.

    python3 Benchmarks/smtp_sink.py --port 2525 --out counts.json

Announces PIPELINING and 8BITMIME. Not a mail server: nothing is stored or relayed.
"""
import argparse
import asyncio
import json
import re
import signal

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]*>)", re.IGNORECASE | re.MULTILINE)


class Stats:
    def __init__(self):
        self.messages = 0
        self.ids = set()
        self.without_id = 0
        self.connections = 0
        self.commands = {}


class Session(asyncio.Protocol):
    def __init__(self, stats):
        self.stats = stats
        self.buffer = bytearray()
        self.in_data = False

    def connection_made(self, transport):
        self.transport = transport
        self.stats.connections += 1
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data):
        self.buffer += data
        replies = []
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    # The message may also be empty: ".\r\n" right after DATA's reply.
                    if self.buffer.startswith(b".\r\n"):
                        end = -2
                    else:
                        break
                content = bytes(self.buffer[: max(end, 0)])
                del self.buffer[: end + 5]
                self.in_data = False
                self.stats.messages += 1
                header_end = content.find(b"\r\n\r\n")
                match = MESSAGE_ID.search(content[: header_end if header_end >= 0 else len(content)])
                if match:
                    self.stats.ids.add(match.group(1))
                else:
                    self.stats.without_id += 1
                replies.append(b"250 2.0.0 queued\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                break
            line = bytes(self.buffer[:end])
            del self.buffer[: end + 2]
            verb = line[:4].upper()
            self.stats.commands[verb] = self.stats.commands.get(verb, 0) + 1
            if verb == b"EHLO":
                replies.append(b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n")
            elif verb == b"HELO":
                replies.append(b"250 sink\r\n")
            elif verb == b"DATA":
                self.in_data = True
                replies.append(b"354 go ahead\r\n")
            elif verb == b"QUIT":
                replies.append(b"221 bye\r\n")
                self.transport.write(b"".join(replies))
                self.transport.close()
                return
            else:
                replies.append(b"250 ok\r\n")
        if replies:
            self.transport.write(b"".join(replies))


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    stats = Stats()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Session(stats), "127.0.0.1", args.port)
    stop = asyncio.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    await stop.wait()
    server.close()
    with open(args.out, "w") as f:
        json.dump({"messages": stats.messages, "distinct_message_ids": len(stats.ids), "without_message_id": stats.without_id,
                   "connections": stats.connections,
                   "commands": {k.decode(): v for k, v in stats.commands.items()}}, f)


asyncio.run(main())
