#include "platform/base/paging.h"

#include <limits>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace crm::platform {

PageRequest ReadPageRequest(int32_t page_size, absl::string_view page_token, PageLimits limits,
                            std::vector<FieldViolation>& violations) {
  PageRequest page;
  page.size = page_size == 0 ? limits.default_size : page_size;
  if (page.size < 1 || page.size > limits.max_size) {
    violations.push_back({"pageSize", absl::StrCat("must be 1 to ", limits.max_size)});
  }
  // A token is never empty once decoded: it names an item.
  if (!page_token.empty() &&
      (!absl::WebSafeBase64Unescape(page_token, &page.after) || page.after.empty())) {
    violations.push_back({"pageToken", "is not a token this list answered"});
  }
  return page;
}

absl::StatusOr<PageRequest> ReadPage(int32_t page_size, absl::string_view page_token,
                                     PageLimits limits) {
  std::vector<FieldViolation> violations;
  PageRequest page = ReadPageRequest(page_size, page_token, limits, violations);
  if (!violations.empty()) return InvalidFields(violations);
  return page;
}

std::string PageTokenAfter(absl::string_view last_key) {
  return absl::WebSafeBase64Escape(last_key);
}

std::string TimeOrderKey(absl::Time time, bool newest_first) {
  auto micros = static_cast<uint64_t>(absl::ToUnixMicros(time));
  return absl::StrFormat("%016x",
                         newest_first ? std::numeric_limits<uint64_t>::max() - micros : micros);
}

size_t FirstAfter(const std::vector<std::string>& keys, const PageRequest& page) {
  if (page.after.empty()) return 0;
  return std::upper_bound(keys.begin(), keys.end(), page.after) - keys.begin();
}

}  // namespace crm::platform
