/// What a new password must satisfy (NIST SP 800-63B: length over composition rules).
enum PasswordPolicy {
    static let minimumLength = 10
    /// bcrypt reads at most 72 bytes; longer input would be silently cut, so it is refused.
    static let maximumBytes = 72

    /// Adds problems with `password` and its confirmation to `errors` under the ids `password` and `confirm`.
    static func check(password: String, confirmation: String, into errors: inout FormErrors) {
        if password.isEmpty {
            errors.add("password", "Choose a password")
        } else if password.count < minimumLength {
            errors.add("password", "Your password must be at least \(minimumLength) characters")
        } else if password.utf8.count > maximumBytes {
            errors.add("password", "Your password must be at most \(maximumBytes) letters, digits and symbols (fewer for accented letters)")
        } else if confirmation.isEmpty {
            errors.add("confirm", "Type the password again")
        } else if confirmation != password {
            errors.add("confirm", "The two passwords are different: type the same password twice")
        }
    }
}

/// Checks for names and e-mail addresses typed into forms.
enum FieldRules {
    /// The longest name a person may give (the account's, or the optional one a study participant chooses).
    static let maximumNameLength = 100

    static func checkName(_ name: String, into errors: inout FormErrors) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            errors.add("name", "Enter your name")
        } else if trimmed.count > maximumNameLength {
            errors.add("name", "Your name must be \(maximumNameLength) characters or fewer")
        }
    }

    /// A practical check: something@something.something, no spaces, at most 254 characters.
    static func isPlausibleEmail(_ email: String) -> Bool {
        let trimmed = email.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 254, !trimmed.contains(where: \.isWhitespace) else { return false }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".")
    }

    static func checkEmail(_ email: String, into errors: inout FormErrors, emptyMessage: String = "Enter an e-mail address") {
        if email.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.add("email", emptyMessage)
        } else if !isPlausibleEmail(email) {
            errors.add("email", "Enter an e-mail address in the right format, like name@example.org")
        }
    }
}

import Foundation
