#include "customers/store/customer_index.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace crm::customers {
namespace {

std::string Key(absl::string_view term, absl::string_view customer_id) {
  return absl::StrCat(term, std::string(1, '\0'), customer_id);
}

void AddWords(absl::string_view text, std::set<std::string>* terms) {
  std::string word;
  auto flush = [&] {
    if (!word.empty()) terms->insert(word);
    word.clear();
  };
  for (char c : text) {
    // Letters and digits of ASCII are folded; other bytes (UTF-8 letters) are kept as they are.
    if (absl::ascii_isalnum(c) || static_cast<unsigned char>(c) >= 0x80) {
      word.push_back(absl::ascii_tolower(c));
    } else {
      flush();
    }
  }
  flush();
}

void AddDigits(absl::string_view phone, std::set<std::string>* terms) {
  std::string digits;
  for (char c : phone) {
    if (absl::ascii_isdigit(c)) digits.push_back(c);
  }
  if (!digits.empty()) terms->insert(digits);
}

absl::Status Replace(platform::Txn& txn, platform::ColumnFamily cf,
                     const std::set<std::string>& before, const std::set<std::string>& after,
                     absl::string_view customer_id) {
  for (const std::string& term : before) {
    if (after.contains(term)) continue;
    if (absl::Status s = txn.Delete(cf, Key(term, customer_id)); !s.ok()) return s;
  }
  for (const std::string& term : after) {
    if (before.contains(term)) continue;
    if (absl::Status s = txn.Put(cf, Key(term, customer_id), ""); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

CustomerIndex::CustomerIndex(platform::Store& store)
    : store_(store),
      by_name_(store.cf("customers_by_name")),
      by_phone_(store.cf("customers_by_phone")),
      by_tier_(store.cf("customers_by_tier")),
      by_email_(store.cf("customers_by_email")) {}

std::set<std::string> CustomerIndex::NameTerms(const store::v1::CustomerRecord& record) {
  std::set<std::string> terms;
  AddWords(record.display_name(), &terms);
  AddWords(record.company().name(), &terms);
  AddWords(record.company().contact_person(), &terms);
  return terms;
}

std::set<std::string> CustomerIndex::PhoneTerms(const store::v1::CustomerRecord& record) {
  std::set<std::string> terms;
  AddDigits(record.phone(), &terms);
  AddDigits(record.mobile(), &terms);
  AddDigits(record.company().contact_phone(), &terms);
  return terms;
}

absl::Status CustomerIndex::Update(platform::Txn& txn, const store::v1::CustomerRecord* before,
                                   const store::v1::CustomerRecord* after) {
  const store::v1::CustomerRecord& any = after != nullptr ? *after : *before;
  std::set<std::string> none;
  if (absl::Status s = Replace(txn, by_name_, before ? NameTerms(*before) : none,
                               after ? NameTerms(*after) : none, any.customer_id());
      !s.ok()) {
    return s;
  }
  return Replace(txn, by_phone_, before ? PhoneTerms(*before) : none,
                 after ? PhoneTerms(*after) : none, any.customer_id());
}

absl::Status CustomerIndex::SetTier(platform::Txn& txn, absl::string_view customer_id,
                                    v1::TierBenefits::Tier from, v1::TierBenefits::Tier to) {
  if (from != v1::TierBenefits::TIER_UNSPECIFIED) {
    if (absl::Status s = txn.Delete(by_tier_, Key(v1::TierBenefits::Tier_Name(from), customer_id));
        !s.ok()) {
      return s;
    }
  }
  if (to == v1::TierBenefits::TIER_UNSPECIFIED) return absl::OkStatus();
  return txn.Put(by_tier_, Key(v1::TierBenefits::Tier_Name(to), customer_id), "");
}

absl::Status CustomerIndex::Scan(
    Kind kind, absl::string_view prefix, absl::string_view after_key,
    const std::function<bool(absl::string_view, absl::string_view)>& visit) const {
  platform::ColumnFamily cf = kind == kName    ? by_name_
                              : kind == kPhone ? by_phone_
                              : kind == kTier  ? by_tier_
                                               : by_email_;
  // Tier terms are whole words: "GOLD\0" must not match "GOLDEN".
  std::string scan_prefix =
      kind == kTier ? absl::StrCat(prefix, std::string(1, '\0')) : std::string(prefix);
  std::string from =
      after_key.empty() ? scan_prefix : absl::StrCat(after_key, std::string(1, '\0'));
  return store_.Scan(cf, scan_prefix, from, [&](absl::string_view key, absl::string_view value) {
    if (kind == kEmail) return visit(key, value);
    size_t zero = key.rfind('\0');
    return visit(key, key.substr(zero + 1));
  });
}

}  // namespace crm::customers
