import Foundation
import Testing
@testable import TendServer

/// The SigV4 signer reproduces the signatures in AWS's published S3 examples ("Signature Calculations
/// for the Authorization Header: Transferring Payload in a Single Chunk").
@Suite("S3 Signature Version 4")
struct S3SignatureTests {
    static let signer = S3Signer(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                 secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
    /// 24 May 2013, 00:00:00 UTC.
    static let date = Date(timeIntervalSince1970: 1_369_353_600)

    static func authorization(_ headers: [(String, String)]) -> String? {
        headers.first { $0.0 == "Authorization" }?.1
    }

    @Test("AWS example: GET Object with a Range header")
    func getObject() {
        let headers = Self.signer.sign(method: "GET", path: "/test.txt",
                                       headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")],
                                       payloadHash: S3Signer.emptyPayloadHash, date: Self.date)
        #expect(Self.authorization(headers) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(headers.first { $0.0 == "x-amz-date" }?.1 == "20130524T000000Z")
    }

    @Test("AWS example: the canonical request of GET Object")
    func canonicalRequest() {
        let canonical = Self.signer.canonicalRequest(
            method: "GET", path: "/test.txt", query: [],
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                      ("x-amz-content-sha256", S3Signer.emptyPayloadHash), ("x-amz-date", "20130524T000000Z")],
            payloadHash: S3Signer.emptyPayloadHash)
        #expect(canonical.request == """
            GET
            /test.txt

            host:examplebucket.s3.amazonaws.com
            range:bytes=0-9
            x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            x-amz-date:20130524T000000Z

            host;range;x-amz-content-sha256;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(S3Signer.sha256Hex(Data(canonical.request.utf8)) == "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
    }

    @Test("AWS example: PUT Object with a payload and a path that needs encoding")
    func putObject() {
        let payloadHash = S3Signer.sha256Hex(Data("Welcome to Amazon S3.".utf8))
        #expect(payloadHash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let headers = Self.signer.sign(method: "PUT", path: "/test$file.text",
                                       headers: [("Host", "examplebucket.s3.amazonaws.com"),
                                                 ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                                                 ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
                                       payloadHash: payloadHash, date: Self.date)
        #expect(Self.authorization(headers) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
            + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test("Path segments are encoded as SigV4 wants: unreserved characters kept, the rest upper-case hex")
    func encoding() {
        #expect(S3Signer.uriEncode("test$file.text") == "test%24file.text")
        #expect(S3Signer.uriEncode("a b~c_d-e.f") == "a%20b~c_d-e.f")
        #expect(S3Signer.uriEncode("é") == "%C3%A9")
    }
}
