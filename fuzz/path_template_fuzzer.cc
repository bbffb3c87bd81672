// Path templates (gateway/routing/path_template.h): parsing any template text and matching any
// request path, plus the route table's lookup of that path among the real routes.
//
// Input: "<template>\n<path>" (no newline: the whole input is both). Checked besides "no crash":
//   - Matches and Match agree, and a match captures one non-empty value per field, in order;
//   - a parsed template parses again from its text() to the same shape;
//   - a template is exactly as specific as itself;
//   - a route the table finds for the path does match the path.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "fuzz/fuzz_support.h"
#include "gateway/routing/path_template.h"
#include "gateway/routing/route_table.h"

namespace {

using crm::gateway::PathTemplate;
using crm::gateway::RouteMatch;
using crm::gateway::RouteTable;

void CheckTemplate(const PathTemplate& t, absl::string_view path) {
  auto again = PathTemplate::Parse(t.text());
  FUZZ_CHECK(again.ok(), "a parsed template's text does not parse again");
  FUZZ_CHECK(again->ShapeKey() == t.ShapeKey(), "a template parses to two shapes");
  FUZZ_CHECK(PathTemplate::CompareSpecificity(t, *again) == 0,
             "a template is more specific than itself");

  std::vector<std::pair<std::string, std::string>> captures = {{"untouched", "x"}};
  bool matched = t.Match(path, &captures);
  FUZZ_CHECK(matched == t.Matches(path), "Match and Matches disagree");
  if (!matched) {
    FUZZ_CHECK(captures.size() == 1 && captures[0].first == "untouched",
               "a failed match changed the captures");
    return;
  }
  FUZZ_CHECK(captures.size() == t.fields().size(), "a match captured the wrong number of fields");
  for (size_t i = 0; i < captures.size(); ++i) {
    FUZZ_CHECK(captures[i].first == t.fields()[i], "captures out of template order");
    FUZZ_CHECK(!captures[i].second.empty(), "a variable captured \"\"");
  }
  FUZZ_CHECK(t.Match(path, nullptr), "Match without captures disagrees");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const RouteTable& routes = crm::fuzz::RealRoutes();
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  absl::string_view text = input.substr(0, newline);
  absl::string_view path = newline == absl::string_view::npos ? input : input.substr(newline + 1);

  if (auto t = PathTemplate::Parse(text); t.ok()) {
    FUZZ_CHECK(t->text() == text, "text() is not the template as written");
    CheckTemplate(*t, path);
  } else {
    FUZZ_CHECK(t.status().code() == absl::StatusCode::kInvalidArgument,
               "a bad template must be INVALID_ARGUMENT");
  }

  for (const char* method : {"GET", "POST", "PATCH", "DELETE", "PUT"}) {
    RouteMatch match = routes.Find(method, path);
    if (match.kind == RouteMatch::Kind::kFound) {
      FUZZ_CHECK(match.route != nullptr && match.route->http_method == method,
                 "a found route of another method");
      FUZZ_CHECK(match.route->path.Matches(path), "a found route that does not match the path");
      FUZZ_CHECK(match.captures.size() == match.route->path.fields().size(),
                 "a found route with the wrong captures");
    } else if (match.kind == RouteMatch::Kind::kMethodNotAllowed) {
      FUZZ_CHECK(!match.allowed_methods.empty(), "405 without allowed methods");
    }
  }
  return 0;
}
