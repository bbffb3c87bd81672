// The rules of the wishlist, recently viewed products and preferences, free of I/O.
//
//   (SKUs are checked with platform::IsValidSku, platform/base/text.h.)
//   RecordViewIn(&views, "sku-1", now);               // to the front, each once, 50 at most
//   Preferences p = DefaultPreferences("c_1");
//   CheckPreferences(p, "preferences.", violations);
#pragma once

#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/customers/v1/engagement.pb.h"
#include "customers/domain/field_mask.h"
#include "platform/base/errors.h"

namespace crm::customers {

inline constexpr int kMaxWishlistItems = 200;
inline constexpr int kMaxRecentViews = 50;

// Puts `sku` at the front of `views` (viewed at `now`), dropping an older view of it and
// anything past the 50 newest.
void RecordViewIn(v1::RecentViews* views, absl::string_view sku, absl::Time now);

// What a customer has before choosing anything: no marketing consent, any delivery slot,
// standard packaging, English.
v1::Preferences DefaultPreferences(absl::string_view customer_id);

// Paths UpdatePreferences may name.
const PathSet& ChangeablePreferencePaths();

// Adds every problem with `p`, each named `prefix` + its JSON name.
void CheckPreferences(const v1::Preferences& p, absl::string_view prefix,
                      std::vector<platform::FieldViolation>& violations);

// True when the consent flags of `a` and `b` differ.
bool ConsentChanged(const v1::Preferences& a, const v1::Preferences& b);

}  // namespace crm::customers
