// PathTemplate: one HTTP rule's path template ("/v1/customers/{customer_id}:export"), parsed once
// at start-up and matched against request paths.
//
//   absl::StatusOr<PathTemplate> t = PathTemplate::Parse("/v1/orders/{order_id}:cancel");
//   std::vector<std::pair<std::string, std::string>> captures;
//   if (t->Match("/v1/orders/o-1%2F2:cancel", &captures)) {
//     // captures == {{"order_id", "o-1/2"}}
//   }
//
// Grammar (a subset of google.api.http's):
//
//   Template = "/" Segment { "/" Segment } [ ":" Verb ]
//   Segment  = Literal | "{" FieldPath [ "=" ( "*" | "**" ) ] "}"
//   FieldPath = Ident { "." Ident }          Ident = [A-Za-z_][A-Za-z0-9_]*
//   Literal, Verb = one or more of [A-Za-z0-9-._~]
//
// `{f}` and `{f=*}` match exactly one non-empty segment; `{f=**}` matches one or more non-empty
// segments and must be the last segment. A variable is always a whole segment.
//
// Matching rules (what a request path must look like):
//   - The path is the request target without its query string, starting with '/'.
//   - Literals compare byte for byte with the raw (still encoded) path.
//   - No empty segments: "/v1/customers/" does not match "/v1/customers", nor does "//" match
//     anywhere, and a variable never captures "".
//   - A template with a verb matches only a path whose last segment ends in ":<verb>" (a raw
//     ':'; "%3A" is data), and the variable before the verb captures what precedes the ':'.
//     A template without a verb treats the whole last segment, ':' included, as an ordinary
//     segment: "/v1/customers/{customer_id}" matches "/v1/customers/c1:export" with
//     customer_id = "c1:export". The route table makes the verb template win when both exist.
//   - Captured values are percent-decoded ('+' stays '+': it means space only in queries).
//     A single-segment capture may decode to contain '/' (it was sent as %2F). A `**` capture
//     is the segments joined by '/', decoded except for %2F, which stays encoded so that an
//     encoded slash cannot be told apart from a segment boundary. A malformed escape ("%zz",
//     "%4") in a captured segment makes the path not match.
//
// Thread-safety: immutable after Parse; const methods may be called from any thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::gateway {

class PathTemplate {
 public:
  // An empty template: text() is "" and it matches nothing. Exists so that structs holding a
  // PathTemplate can be default-constructed before a parsed one is assigned.
  PathTemplate() = default;

  // Parses `text`. Errors: INVALID_ARGUMENT naming the template and the problem (missing
  // leading '/', unbalanced or nested braces, empty segment, bad literal or verb character, bad
  // field name, unsupported pattern after '=', '**' not last, a field captured twice, a verb
  // not at the end, two verbs).
  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // True when `path` matches. Allocates nothing; use it to pick among candidates.
  bool Matches(absl::string_view path) const;

  // Like Matches; on a match also replaces `*captures` (may be null) with one
  // (field path, decoded value) pair per variable, in template order. On no match `*captures`
  // is left untouched.
  bool Match(absl::string_view path,
             std::vector<std::pair<std::string, std::string>>* captures) const;

  // The template with variable names erased: literals kept, one-segment variables as "{}", a
  // rest variable as "{**}", then ":verb". Two templates with the same key match exactly the same
  // paths, so two routes of one HTTP method with equal keys collide.
  // E.g. "/v1/customers/{customer_id}:export" -> "/v1/customers/{}:export".
  std::string ShapeKey() const;

  // Orders two templates that match the same path: > 0 when `a` is more specific than `b`,
  // < 0 when less, 0 when they have the same shape. Segments are compared left to right and the
  // first difference decides (literal > one-segment variable > rest variable); when all segments
  // tie, a template with a verb beats one without.
  static int CompareSpecificity(const PathTemplate& a, const PathTemplate& b);

  // The template as written; routes use it as their label in metrics and logs.
  const std::string& text() const { return text_; }
  // The captured field paths in template order, e.g. {"customer_id", "address_id"} or
  // {"order.id"}.
  const std::vector<std::string>& fields() const { return fields_; }
  // The custom verb without its ':' ("cancel"), or "" when there is none.
  const std::string& verb() const { return verb_; }

 private:
  enum class Kind {
    kRest = 0,      // {f=**}
    kVariable = 1,  // {f} or {f=*}
    kLiteral = 2,
  };
  struct Segment {
    Kind kind;
    std::string literal;  // kLiteral only
  };

  // Walks `path` against the segments. When `raw` is non-null, appends the raw (still encoded)
  // value of each variable; with null it only checks, which keeps Matches allocation-free.
  bool Walk(absl::string_view path, std::vector<absl::string_view>* raw) const;

  std::string text_;
  std::vector<Segment> segments_;
  std::vector<std::string> fields_;  // one per non-literal segment, in order
  std::string verb_;
};

}  // namespace crm::gateway
