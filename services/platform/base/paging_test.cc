#include "platform/base/paging.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace crm::platform {
namespace {

std::vector<std::string> Fields(const std::vector<FieldViolation>& violations) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : violations) fields.push_back(v.field);
  return fields;
}

// Items are their own keys here.
std::vector<std::string> Page(const std::vector<std::string>& items, int size,
                              const std::string& token, std::string* next) {
  std::vector<FieldViolation> violations;
  PageRequest page = ReadPageRequest(size, token, {.default_size = 2, .max_size = 3}, violations);
  REQUIRE(violations.empty());
  return TakePage(
      items, page, [](const std::string& s) { return s; }, next);
}

TEST_CASE("Paging: pageSize 0 is the default, 1 to the maximum is taken, the rest refused",
          "[paging]") {
  std::vector<FieldViolation> violations;
  CHECK(ReadPageRequest(0, "", {.default_size = 20, .max_size = 100}, violations).size == 20);
  CHECK(ReadPageRequest(100, "", {.default_size = 20, .max_size = 100}, violations).size == 100);
  CHECK(violations.empty());
  ReadPageRequest(101, "", {.default_size = 20, .max_size = 100}, violations);
  ReadPageRequest(-1, "", {.default_size = 20, .max_size = 100}, violations);
  CHECK(Fields(violations) == std::vector<std::string>{"pageSize", "pageSize"});
  CHECK(violations[0].description == "must be 1 to 100");
}

TEST_CASE("Paging: a token that is not one a list answered names pageToken", "[paging]") {
  std::vector<FieldViolation> violations;
  ReadPageRequest(0, "not base64!", {}, violations);
  CHECK(Fields(violations) == std::vector<std::string>{"pageToken"});
  violations.clear();
  PageRequest page = ReadPageRequest(0, PageTokenAfter("b"), {}, violations);
  CHECK(violations.empty());
  CHECK(page.after == "b");
}

TEST_CASE("Paging: pages follow each other until the last, which has no token", "[paging]") {
  const std::vector<std::string> items = {"e", "a", "d", "b", "c"};  // sorted by their keys
  std::string next;
  CHECK(Page(items, 0, "", &next) == std::vector<std::string>{"a", "b"});
  REQUIRE_FALSE(next.empty());
  CHECK(Page(items, 0, next, &next) == std::vector<std::string>{"c", "d"});
  REQUIRE_FALSE(next.empty());
  CHECK(Page(items, 0, next, &next) == std::vector<std::string>{"e"});
  CHECK(next.empty());
  // A page that ends exactly at the end has no token either.
  CHECK(Page({"a", "b", "c"}, 3, "", &next).size() == 3);
  CHECK(next.empty());
}

TEST_CASE("Paging: a change between pages neither repeats nor skips the others", "[paging]") {
  std::string next;
  CHECK(Page({"a", "b", "c", "d"}, 2, "", &next) == std::vector<std::string>{"a", "b"});
  // "b", the last answered, was removed and "a1" added before it: the next page starts at "c".
  CHECK(Page({"a", "a1", "c", "d"}, 2, next, &next) == std::vector<std::string>{"c", "d"});
  CHECK(next.empty());
}

TEST_CASE("Paging: equal keys keep the order of the items", "[paging]") {
  std::vector<std::pair<std::string, int>> items = {{"x", 1}, {"a", 2}, {"x", 3}};
  std::string next;
  PageRequest page{.size = 3};
  auto taken = TakePage(
      items, page, [](const auto& item) { return item.first; }, &next);
  REQUIRE(taken.size() == 3);
  CHECK(taken[0].second == 2);
  CHECK(taken[1].second == 1);
  CHECK(taken[2].second == 3);
}

TEST_CASE("Paging: TimeOrderKey sorts oldest first, or newest first", "[paging]") {
  absl::Time early = absl::FromUnixSeconds(1'700'000'000);
  absl::Time late = early + absl::Microseconds(1);
  CHECK(TimeOrderKey(early) < TimeOrderKey(late));
  CHECK(TimeOrderKey(late, /*newest_first=*/true) < TimeOrderKey(early, /*newest_first=*/true));
  CHECK(TimeOrderKey(early).size() == 16);
}

}  // namespace
}  // namespace crm::platform
