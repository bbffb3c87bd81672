#include "gateway/routing/path_template.h"

#include <catch2/catch.hpp>

namespace crm::gateway {
namespace {

using Captures = std::vector<std::pair<std::string, std::string>>;

PathTemplate MustParse(const std::string& text) {
  absl::StatusOr<PathTemplate> t = PathTemplate::Parse(text);
  INFO(text << ": " << t.status().ToString());
  REQUIRE(t.ok());
  return *std::move(t);
}

// Parses `text` (which must be valid) and matches `path` against it.
bool MatchOf(const std::string& text, const std::string& path, Captures* captures) {
  return MustParse(text).Match(path, captures);
}

TEST_CASE("PathTemplate parses the templates the protos use") {
  struct Case {
    std::string text;
    std::vector<std::string> fields;
    std::string verb;
    std::string shape;
  };
  std::vector<Case> cases = {
      {"/v1/customers", {}, "", "/v1/customers"},
      {"/v1/customers/{customer_id}", {"customer_id"}, "", "/v1/customers/{}"},
      {"/v1/customers/{customer_id}:export", {"customer_id"}, "export", "/v1/customers/{}:export"},
      {"/v1/orders/{order_id}:cancel", {"order_id"}, "cancel", "/v1/orders/{}:cancel"},
      {"/v1/customers/{customer_id}/addresses/{address_id}:makeDefault",
       {"customer_id", "address_id"},
       "makeDefault",
       "/v1/customers/{}/addresses/{}:makeDefault"},
      {"/v1/auth/password-reset:confirm", {}, "confirm", "/v1/auth/password-reset:confirm"},
      {"/v1/files/{path=**}", {"path"}, "", "/v1/files/{**}"},
      {"/v1/files/{path=**}:stat", {"path"}, "stat", "/v1/files/{**}:stat"},
      {"/v1/things/{name=*}", {"name"}, "", "/v1/things/{}"},
      {"/v1/orders/{order.id}/lines/{line_no}",
       {"order.id", "line_no"},
       "",
       "/v1/orders/{}/lines/{}"},
      {"/{_x1}", {"_x1"}, "", "/{}"},
  };
  for (const Case& c : cases) {
    PathTemplate t = MustParse(c.text);
    CHECK(t.text() == c.text);
    CHECK(t.fields() == c.fields);
    CHECK(t.verb() == c.verb);
    CHECK(t.ShapeKey() == c.shape);
  }
}

TEST_CASE("PathTemplate refuses bad templates, naming the template") {
  struct Case {
    std::string text;
    std::string problem;
  };
  std::vector<Case> cases = {
      {"", "must start with '/'"},
      {"v1/customers", "must start with '/'"},
      {"/", "empty segment"},
      {"/v1//customers", "empty segment"},
      {"/v1/customers/", "empty segment"},
      {"/v1/:verb", "empty segment"},
      {"/v1/{customer_id", "unbalanced '{'"},
      {"/v1/customer_id}", "unbalanced '}'"},
      {"/v1/{customer_id}}", "unbalanced '}'"},
      {"/v1/{{customer_id}}", "nested '{'"},
      {"/v1/{}", "bad field name \"\""},
      {"/v1/{1id}", "bad field name \"1id\""},
      {"/v1/{customer-id}", "bad field name \"customer-id\""},
      {"/v1/{order..id}", "bad field name \"order..id\""},
      {"/v1/{order.}", "bad field name \"order.\""},
      {"/v1/{id=}", "unsupported pattern \"\""},
      {"/v1/{id=***}", "unsupported pattern \"***\""},
      {"/v1/{name=shelves/*}", "unsupported pattern \"shelves/*\""},
      {"/v1/{path=**}/tail", "'**' must be the last segment"},
      {"/v1/{path=**}/{id}", "'**' must be the last segment"},
      {"/v1/{id}/x/{id}", "field \"id\" captured twice"},
      {"/v1/a{id}", "a variable must be a whole segment"},
      {"/v1/{id}a", "a variable must be a whole segment"},
      {"/v1/a:b:c", "two verbs"},
      {"/v1/{id}:b:c", "two verbs"},
      {"/v1/a:b/c", "a verb (':name') may only end the template"},
      {"/v1/a:", "empty verb"},
      {"/v1/a:{id}", "a verb cannot hold a variable"},
      {"/v1/a b", "character ' ' not allowed in a literal"},
      {"/v1/*", "character '*' not allowed in a literal"},
      {"/v1/a%20b", "character '%' not allowed in a literal"},
      {"/v1/a:do!", "character '!' not allowed in a verb"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<PathTemplate> t = PathTemplate::Parse(c.text);
    INFO(c.text << " -> " << t.status().ToString());
    REQUIRE(!t.ok());
    CHECK(t.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(t.status().message()),
               Catch::Contains("path template \"" + c.text + "\"") && Catch::Contains(c.problem));
  }
}

TEST_CASE("PathTemplate matches literals and one-segment variables") {
  Captures captures;
  CHECK(MatchOf("/v1/customers", "/v1/customers", &captures));
  CHECK(captures.empty());
  CHECK_FALSE(MatchOf("/v1/customers", "/v1/customer", &captures));
  CHECK_FALSE(MatchOf("/v1/customers", "/v1/customersx", &captures));
  CHECK_FALSE(MatchOf("/v1/customers", "/v1", &captures));
  CHECK_FALSE(MatchOf("/v1/customers", "v1/customers", &captures));
  CHECK_FALSE(MatchOf("/v1/customers", "", &captures));
  // Literals compare with the raw path: an encoded unreserved character is not the literal.
  CHECK_FALSE(MatchOf("/v1/customers", "/v1/%63ustomers", &captures));

  REQUIRE(MatchOf("/v1/customers/{customer_id}/addresses/{address_id}",
                  "/v1/customers/c-1/addresses/a-2", &captures));
  CHECK(captures == Captures{{"customer_id", "c-1"}, {"address_id", "a-2"}});

  REQUIRE(MatchOf("/v1/orders/{order.id}", "/v1/orders/o-9", &captures));
  CHECK(captures == Captures{{"order.id", "o-9"}});

  // Captures are replaced, not appended to.
  REQUIRE(MatchOf("/v1/things/{name=*}", "/v1/things/t", &captures));
  CHECK(captures == Captures{{"name", "t"}});

  // A null captures pointer is allowed.
  CHECK(MustParse("/v1/things/{id}").Match("/v1/things/t", nullptr));
}

TEST_CASE("PathTemplate: no trailing slash, no empty segments") {
  PathTemplate t = MustParse("/v1/customers/{customer_id}");
  CHECK(t.Matches("/v1/customers/c1"));
  CHECK_FALSE(t.Matches("/v1/customers/c1/"));
  CHECK_FALSE(t.Matches("/v1/customers/"));
  CHECK_FALSE(t.Matches("/v1/customers//"));
  CHECK_FALSE(t.Matches("/v1//customers/c1"));
  CHECK_FALSE(t.Matches("/v1/customers"));
  CHECK_FALSE(t.Matches("/v1/customers/c1/x"));
  CHECK_FALSE(MustParse("/v1/customers").Matches("/v1/customers/"));
  CHECK_FALSE(MustParse("/v1/customers").Matches("//v1/customers"));
}

TEST_CASE("PathTemplate percent-decodes captures") {
  Captures captures;
  REQUIRE(
      MatchOf("/v1/customers/{customer_id}", "/v1/customers/a%2Fb%20c+d%3a%e2%82%AC", &captures));
  // %2F decodes to '/' in a one-segment capture; '+' is not a space in a path.
  CHECK(captures == Captures{{"customer_id", "a/b c+d:\xE2\x82\xAC"}});

  // Malformed escapes do not match.
  PathTemplate t = MustParse("/v1/customers/{customer_id}");
  CHECK_FALSE(t.Matches("/v1/customers/a%2"));
  CHECK_FALSE(t.Matches("/v1/customers/a%"));
  CHECK_FALSE(t.Matches("/v1/customers/a%zz"));
  CHECK_FALSE(t.Match("/v1/customers/%g0", &captures));
  CHECK(captures == Captures{{"customer_id", "a/b c+d:\xE2\x82\xAC"}});  // untouched on no match
  CHECK(t.Matches("/v1/customers/%25"));
  REQUIRE(t.Match("/v1/customers/%25", &captures));
  CHECK(captures == Captures{{"customer_id", "%"}});
}

TEST_CASE("PathTemplate verbs") {
  Captures captures;
  PathTemplate cancel = MustParse("/v1/orders/{order_id}:cancel");
  REQUIRE(cancel.Match("/v1/orders/o-1:cancel", &captures));
  CHECK(captures == Captures{{"order_id", "o-1"}});
  // The variable before the verb takes everything up to the verb's ':'.
  REQUIRE(cancel.Match("/v1/orders/a:b:cancel", &captures));
  CHECK(captures == Captures{{"order_id", "a:b"}});
  CHECK_FALSE(cancel.Matches("/v1/orders/o-1"));
  CHECK_FALSE(cancel.Matches("/v1/orders/o-1:cancelx"));
  CHECK_FALSE(cancel.Matches("/v1/orders/o-1:Cancel"));
  CHECK_FALSE(cancel.Matches("/v1/orders/o-1%3Acancel"));  // an encoded ':' is data
  CHECK_FALSE(cancel.Matches("/v1/orders/:cancel"));       // empty variable
  CHECK_FALSE(cancel.Matches("/v1/orders:cancel"));
  CHECK_FALSE(cancel.Matches("/v1/orders/o-1/:cancel"));
  CHECK_FALSE(cancel.Matches("/v1/orders/o-1:cancel/"));

  PathTemplate confirm = MustParse("/v1/auth/password-reset:confirm");
  CHECK(confirm.Matches("/v1/auth/password-reset:confirm"));
  CHECK_FALSE(confirm.Matches("/v1/auth/password-reset"));
  CHECK_FALSE(confirm.Matches("/v1/auth/password-reset:confirm:confirm"));

  // Without a verb the whole last segment, ':' included, belongs to the variable or literal.
  REQUIRE(MatchOf("/v1/customers/{customer_id}", "/v1/customers/c1:export", &captures));
  CHECK(captures == Captures{{"customer_id", "c1:export"}});
  CHECK_FALSE(MustParse("/v1/auth/password-reset").Matches("/v1/auth/password-reset:confirm"));
}

TEST_CASE("PathTemplate rest variables take one or more segments") {
  Captures captures;
  PathTemplate files = MustParse("/v1/files/{path=**}");
  REQUIRE(files.Match("/v1/files/a", &captures));
  CHECK(captures == Captures{{"path", "a"}});
  REQUIRE(files.Match("/v1/files/a/b%20c/d", &captures));
  CHECK(captures == Captures{{"path", "a/b c/d"}});
  // An encoded slash stays encoded in a rest capture, so it differs from a real boundary.
  REQUIRE(files.Match("/v1/files/a%2Fb/c%2fd", &captures));
  CHECK(captures == Captures{{"path", "a%2Fb/c%2fd"}});
  CHECK_FALSE(files.Matches("/v1/files"));
  CHECK_FALSE(files.Matches("/v1/files/"));
  CHECK_FALSE(files.Matches("/v1/files/a/"));
  CHECK_FALSE(files.Matches("/v1/files/a//b"));
  CHECK_FALSE(files.Matches("/v1/files/a/%zz"));

  PathTemplate stat = MustParse("/v1/files/{path=**}:stat");
  REQUIRE(stat.Match("/v1/files/a/b:stat", &captures));
  CHECK(captures == Captures{{"path", "a/b"}});
  CHECK_FALSE(stat.Matches("/v1/files/a/b"));
}

TEST_CASE("PathTemplate specificity: literal > variable > rest, then verb") {
  auto cmp = [](const std::string& a, const std::string& b) {
    return PathTemplate::CompareSpecificity(MustParse(a), MustParse(b));
  };
  CHECK(cmp("/v1/customers/search", "/v1/customers/{customer_id}") > 0);
  CHECK(cmp("/v1/customers/{customer_id}", "/v1/customers/search") < 0);
  CHECK(cmp("/v1/files/{id}", "/v1/files/{path=**}") > 0);
  CHECK(cmp("/v1/files/{a}/{b}", "/v1/files/{path=**}") > 0);
  CHECK(cmp("/v1/customers/{customer_id}:export", "/v1/customers/{customer_id}") > 0);
  // Left to right: the first difference decides, before the verb.
  CHECK(cmp("/v1/a/{x}", "/v1/{y}/{x}:v") > 0);
  CHECK(cmp("/v1/{a}", "/v1/{b}") == 0);
}

TEST_CASE("A default PathTemplate matches nothing") {
  PathTemplate t;
  CHECK(t.text().empty());
  CHECK_FALSE(t.Matches("/"));
  CHECK_FALSE(t.Matches(""));
}

}  // namespace
}  // namespace crm::gateway
