#include "orders/domain/delivery_terms.h"

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "platform/base/proto_time.h"
#include "platform/base/text.h"

namespace crm::orders {

namespace {

constexpr int64_t kMaxRateCents = 100'000'000;
constexpr int kMaxDeliveryDays = 60;

// "SPEED" or "SPEED@region" and its number, of one `name=value` item.
struct Item {
  v1::Delivery::Speed speed = v1::Delivery::SPEED_UNSPECIFIED;
  std::string region;
  int64_t value = 0;
};

absl::StatusOr<Item> ParseItem(absl::string_view item, absl::string_view flag, int64_t max) {
  item = absl::StripAsciiWhitespace(item);
  std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(item, '=');
  std::pair<absl::string_view, absl::string_view> key = absl::StrSplit(kv.first, '@');
  Item out;
  out.region = std::string(key.second);
  if (!v1::Delivery::Speed_Parse(std::string(key.first), &out.speed) ||
      out.speed == v1::Delivery::SPEED_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", item, "\" does not start with STANDARD or EXPRESS"));
  }
  if (absl::StrContains(kv.first, '@') && !platform::IsValidSku(out.region)) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": \"", item, "\" names no region"));
  }
  if (!absl::SimpleAtoi(kv.second, &out.value) || out.value < 0 || out.value > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", item, "\" needs a whole number 0 to ", max, " after '='"));
  }
  return out;
}

}  // namespace

absl::StatusOr<DeliveryTerms> ParseDeliveryTerms(absl::string_view rates, absl::string_view days) {
  DeliveryTerms terms;
  for (absl::string_view item : absl::StrSplit(rates, ',', absl::SkipWhitespace())) {
    auto parsed = ParseItem(item, "--shipping-rates", kMaxRateCents);
    if (!parsed.ok()) return parsed.status();
    terms.rates_[{parsed->speed, parsed->region}] = parsed->value;
  }
  for (absl::string_view item : absl::StrSplit(days, ',', absl::SkipWhitespace())) {
    auto parsed = ParseItem(item, "--delivery-days", kMaxDeliveryDays);
    if (!parsed.ok()) return parsed.status();
    if (!parsed->region.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--delivery-days: \"", item, "\": days are per speed, not region"));
    }
    terms.days_[parsed->speed] = static_cast<int>(parsed->value);
  }
  for (auto speed : {v1::Delivery::STANDARD, v1::Delivery::EXPRESS}) {
    const std::string& name = v1::Delivery::Speed_Name(speed);
    if (!terms.rates_.contains({speed, ""})) {
      return absl::InvalidArgumentError(absl::StrCat("--shipping-rates: no rate for ", name));
    }
    if (!terms.days_.contains(speed)) {
      return absl::InvalidArgumentError(absl::StrCat("--delivery-days: no days for ", name));
    }
  }
  return terms;
}

int64_t DeliveryTerms::ShippingCents(v1::Delivery::Speed speed, absl::string_view region,
                                     bool free_express) const {
  if (free_express) return 0;
  auto regional = rates_.find({speed, std::string(region)});
  if (regional != rates_.end()) return regional->second;
  auto general = rates_.find({speed, ""});
  return general == rates_.end() ? 0 : general->second;
}

absl::Time DeliveryTerms::PromisedBy(absl::Time ready_at, const v1::Delivery& delivery) const {
  auto days = days_.find(delivery.speed());
  absl::Time by = ready_at + absl::Hours(24 * (days == days_.end() ? 0 : days->second));
  if (delivery.has_window()) by = std::max(by, platform::FromTimestamp(delivery.window().to()));
  return by;
}

}  // namespace crm::orders
