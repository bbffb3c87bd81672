// CustomerIndex: the secondary indexes staff search reads, so a search is a bounded prefix scan,
// never a scan of all customers:
//   "customers_by_name":  "<word>\0<customer id>"   each word of the display and company name,
//                                                  lower-cased
//   "customers_by_phone": "<digits>\0<customer id>" phone, mobile, company contact phone
//   "customers_by_tier":  "<TIER>\0<customer id>"   the tier as last stored
// (the email index, "customers_by_email", belongs to CustomerStore). Kept in the same
// transaction as the record it indexes.
//
//   index.Update(*txn, before, after);   // before: nullptr for a new customer, after: nullptr
//                                        // for an erased one
//   index.Scan(CustomerIndex::kName, "ann", after_key, [&](key, customer_id) {...});
//
// Thread-safe.
#pragma once

#include <functional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "customers/store/records.pb.h"
#include "platform/store/store.h"

namespace crm::customers {

class CustomerIndex {
 public:
  enum Kind { kName, kPhone, kTier, kEmail };

  explicit CustomerIndex(platform::Store& store);

  // Replaces the name and phone entries of `before` by those of `after`.
  absl::Status Update(platform::Txn& txn, const store::v1::CustomerRecord* before,
                      const store::v1::CustomerRecord* after);
  // Moves the customer's tier entry (from TIER_UNSPECIFIED: none yet).
  absl::Status SetTier(platform::Txn& txn, absl::string_view customer_id,
                       v1::TierBenefits::Tier from, v1::TierBenefits::Tier to);

  // Visits entries of `kind` whose term starts with `prefix`, from the key after `after_key`
  // ("" for the start), answering (key, customer id) until `visit` answers false. For kEmail
  // the key is the lower-cased email. Errors: INTERNAL.
  absl::Status Scan(
      Kind kind, absl::string_view prefix, absl::string_view after_key,
      const std::function<bool(absl::string_view key, absl::string_view customer_id)>& visit) const;

  // Lower-cased words (letters and digits) of the names a record is found by.
  static std::set<std::string> NameTerms(const store::v1::CustomerRecord& record);
  // The digits of each phone number a record is found by.
  static std::set<std::string> PhoneTerms(const store::v1::CustomerRecord& record);

 private:
  platform::Store& store_;
  platform::ColumnFamily by_name_;
  platform::ColumnFamily by_phone_;
  platform::ColumnFamily by_tier_;
  platform::ColumnFamily by_email_;
};

}  // namespace crm::customers
