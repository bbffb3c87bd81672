#include "customers/domain/engagement.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "platform/base/proto_time.h"

namespace crm::customers {

void RecordViewIn(v1::RecentViews* views, absl::string_view sku, absl::Time now) {
  v1::RecentViews next;
  next.set_customer_id(views->customer_id());
  v1::ProductView* latest = next.add_views();
  latest->set_sku(std::string(sku));
  *latest->mutable_viewed_at() = platform::ToTimestamp(now);
  for (const v1::ProductView& view : views->views()) {
    if (next.views_size() >= kMaxRecentViews) break;
    if (view.sku() != sku) *next.add_views() = view;
  }
  *views = std::move(next);
}

v1::Preferences DefaultPreferences(absl::string_view customer_id) {
  v1::Preferences p;
  p.set_customer_id(std::string(customer_id));
  p.mutable_consent();
  p.set_delivery_slot(v1::Preferences::ANY_TIME);
  p.set_packaging(v1::Preferences::STANDARD);
  p.set_language("en");
  return p;
}

const PathSet& ChangeablePreferencePaths() {
  static const auto* paths =
      new PathSet{"consent",       "consent.email", "consent.sms", "consent.phone",
                  "delivery_slot", "packaging",     "language"};
  return *paths;
}

void CheckPreferences(const v1::Preferences& p, absl::string_view prefix,
                      std::vector<platform::FieldViolation>& violations) {
  auto name = [&](absl::string_view field) { return absl::StrCat(prefix, field); };
  if (p.delivery_slot() == v1::Preferences::DELIVERY_SLOT_UNSPECIFIED ||
      !v1::Preferences::DeliverySlot_IsValid(p.delivery_slot())) {
    violations.push_back({name("deliverySlot"), "must be ANY_TIME, MORNING, AFTERNOON or EVENING"});
  }
  if (p.packaging() == v1::Preferences::PACKAGING_UNSPECIFIED ||
      !v1::Preferences::Packaging_IsValid(p.packaging())) {
    violations.push_back({name("packaging"), "must be STANDARD, ECO or GIFT"});
  }
  // BCP 47 in its common shape: a 2-3 letter language, then subtags of 2-8 letters or digits.
  bool language_ok = !p.language().empty() && p.language().size() <= 35;
  bool first = true;
  for (absl::string_view part : absl::StrSplit(p.language(), '-')) {
    bool letters_only = std::all_of(part.begin(), part.end(), absl::ascii_isalpha);
    bool alnum = std::all_of(part.begin(), part.end(), absl::ascii_isalnum);
    if (first ? !(letters_only && part.size() >= 2 && part.size() <= 3)
              : !(alnum && part.size() >= 2 && part.size() <= 8)) {
      language_ok = false;
    }
    first = false;
  }
  if (!language_ok)
    violations.push_back({name("language"), "must be a language tag like en or de-DE"});
}

bool ConsentChanged(const v1::Preferences& a, const v1::Preferences& b) {
  return a.consent().email() != b.consent().email() || a.consent().sms() != b.consent().sms() ||
         a.consent().phone() != b.consent().phone();
}

}  // namespace crm::customers
