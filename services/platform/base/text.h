// Text as people type it into names, addresses and notes, checked in one place for every
// service: valid UTF-8, a length in characters (code points), and none of the characters that
// let a value look other than it is on a staff member's screen.
//
// Refused in every text: C0 controls (U+0000..U+001F) but a line break ("\n") in multi-line
// text, DEL and the C1 controls (U+007F..U+009F), the bidi embeddings and overrides
// (U+202A..U+202E) and isolates (U+2066..U+2069), the line and paragraph separators (U+2028,
// U+2029), the byte order mark U+FEFF and the zero-width characters (U+200B..U+200D, U+2060).
//
//   std::vector<FieldViolation> violations;
//   CheckText("address.city", address.city(), {.max_chars = 100, .required = true}, violations);
//   CheckText("customer.notes", notes, {.max_chars = 2000, .multiline = true}, violations);
//   CheckEmail("email", email, violations);                    // required, local@domain.tld
//   NormalizeEmail("Ann@Example.com") == "ann@example.com"     // the form that is unique
//   IsValidPhone("+49 30 1234567")
//
// Plain functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "platform/base/errors.h"

namespace crm::platform {

struct TextRule {
  // At most this many characters (code points).
  size_t max_chars = 100;
  // Blank (empty or only whitespace) is a violation; else blank is fine.
  bool required = false;
  // Line breaks ("\n") allowed (notes, descriptions); nothing else of the refused list is.
  bool multiline = false;
};

// Adds to `violations`, under `field`, what is wrong with `text`: invalid UTF-8, blank when
// required, longer than allowed, a refused character (named by its code point). One violation
// at most, the first found in that order.
void CheckText(absl::string_view field, absl::string_view text, TextRule rule,
               std::vector<FieldViolation>& violations);

// True for a code point text may not hold (the list above); `multiline` lets "\n" through.
bool IsRefusedInText(uint32_t code_point, bool multiline);

// The number of Unicode code points in `text`, or -1 when it is not valid UTF-8 (overlong
// forms and surrogates included).
long Utf8Length(absl::string_view text);

inline constexpr size_t kMaxEmailBytes = 254;  // RFC 5321 path limit

// True for an address of the form local@domain.tld a mail server would accept: at most
// kMaxEmailBytes, a local part of 1..64 characters (letters, digits, !#$%&'*+/=?^_`{|}~.-
// without leading, trailing or double dots), a domain of at least two dot-separated labels of
// 1..63 letters, digits and inner hyphens, and an alphabetic top-level label of two or more.
bool IsValidEmail(absl::string_view email);

// Adds to `violations`, under `field`, "is required" for an empty `email` and "is not a valid
// email address" for one IsValidEmail refuses.
void CheckEmail(absl::string_view field, absl::string_view email,
                std::vector<FieldViolation>& violations);

// True for a phone number: digits with an optional leading "+", and spaces, dots, hyphens,
// parentheses between them; 5 to 15 digits (E.164 allows 15).
bool IsValidPhone(absl::string_view phone);

// True for a product's SKU, as every service names products (customers' wishlist and views,
// orders' price list and stock): 1 to 64 letters, digits, '-', '_', '.'. Safe in a store key.
bool IsValidSku(absl::string_view sku);

// Adds, under `field`, the violation of an id that IsValidSku refuses (SKUs, and the ids a caller
// chooses in a path, such as warehouse ids, which follow the same rule).
void CheckSku(absl::string_view field, absl::string_view id,
              std::vector<FieldViolation>& violations);

// The case-insensitive form of an email, the one that must be unique (ASCII lower case).
std::string NormalizeEmail(absl::string_view email);

}  // namespace crm::platform
