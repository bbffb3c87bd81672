// Pages of a list call: the pageSize and pageToken checks every list makes, and page tokens
// that name the position of the last item answered, so the next page starts right after it
// even when items were added or removed between the calls. A list whose items each have a key
// that sorts the way the list is ordered (interactions: their ids; a small list held whole: a
// key made with TimeOrderKey) pages with TakePage.
//
//   std::vector<FieldViolation> violations;
//   PageRequest page = ReadPageRequest(request.page_size(), request.page_token(),
//                                      {.default_size = 20, .max_size = 100}, violations);
//   if (!violations.empty()) return InvalidFields(violations);   // names pageSize / pageToken
//   std::string next;
//   for (Item& item : TakePage(std::move(all), page, KeyOf, &next)) ...;
//   response->set_next_page_token(next);                          // empty on the last page
//
// Plain functions, thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "platform/base/errors.h"

namespace crm::platform {

struct PageLimits {
  // The page size when the request says 0.
  int default_size = 20;
  // The largest page size a request may ask for (1 is the smallest).
  int max_size = 100;
};

struct PageRequest {
  int size = 20;
  // The position key of the last item answered before; empty: from the start.
  std::string after;
};

// The request's page, or violations naming "pageSize" (not 0 and not 1 to max_size) and
// "pageToken" (not a token a list answered) added to `violations`.
PageRequest ReadPageRequest(int32_t page_size, absl::string_view page_token, PageLimits limits,
                            std::vector<FieldViolation>& violations);

// ReadPageRequest as a status: INVALID_ARGUMENT (FIELD_INVALID) naming the fields.
absl::StatusOr<PageRequest> ReadPage(int32_t page_size, absl::string_view page_token,
                                     PageLimits limits);

// The token of a page whose last item has the position key `last_key`.
std::string PageTokenAfter(absl::string_view last_key);

// A fixed-width key part that sorts times (from 1970 on) oldest first, or newest first.
std::string TimeOrderKey(absl::Time time, bool newest_first = false);

// Of `keys`, sorted, the index of the first key past `page.after`.
size_t FirstAfter(const std::vector<std::string>& keys, const PageRequest& page);

// The page of `items` that `page` asks for, in the order of `key(item)` (a std::string; ties keep
// the order of `items`). Sets `*next_page_token` when items follow the page, else clears it.
template <typename Item, typename KeyFn>
std::vector<Item> TakePage(std::vector<Item> items, const PageRequest& page, KeyFn key,
                           std::string* next_page_token) {
  std::vector<std::pair<std::string, size_t>> order;
  order.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) order.emplace_back(key(items[i]), i);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> keys;
  keys.reserve(order.size());
  for (const auto& entry : order) keys.push_back(entry.first);
  size_t begin = FirstAfter(keys, page);
  size_t end = std::min(order.size(), begin + static_cast<size_t>(page.size));
  std::vector<Item> taken;
  for (size_t i = begin; i < end; ++i) taken.push_back(std::move(items[order[i].second]));
  next_page_token->clear();
  if (end < order.size()) *next_page_token = PageTokenAfter(keys[end - 1]);
  return taken;
}

}  // namespace crm::platform
