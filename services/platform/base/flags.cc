#include "platform/base/flags.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace crm::platform {
namespace {

std::string EnvName(absl::string_view prefix, absl::string_view flag) {
  std::string name = absl::StrCat("CRM_", prefix.empty() ? "" : absl::StrCat(prefix, "_"), flag);
  absl::AsciiStrToUpper(&name);
  return absl::StrReplaceAll(name, {{"-", "_"}});
}

}  // namespace

Flags::Flags(absl::string_view service, int argc, const char* const* argv)
    : service_(service), usage_(absl::StrCat("usage: ", argc > 0 ? argv[0] : "crm", " [flags]\n")) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      continue;
    }
    if (arg.substr(0, 2) != "--" || arg.size() == 2) {
      errors_.push_back(absl::StrCat("unexpected argument '", arg, "'"));
      continue;
    }
    arg.remove_prefix(2);
    size_t eq = arg.find('=');
    if (eq != absl::string_view::npos) {
      given_[std::string(arg.substr(0, eq))] = std::string(arg.substr(eq + 1));
    } else if (i + 1 < argc && absl::string_view(argv[i + 1]).substr(0, 2) != "--") {
      given_[std::string(arg)] = argv[++i];
    } else {
      given_[std::string(arg)] = "true";  // a bare boolean flag
    }
  }
}

bool Flags::Lookup(absl::string_view name, std::string* value) {
  known_[std::string(name)] = true;
  if (auto it = given_.find(name); it != given_.end()) {
    *value = it->second;
    return true;
  }
  for (const std::string& env : {EnvName(service_, name), EnvName("", name)}) {
    if (const char* v = std::getenv(env.c_str()); v != nullptr && *v != '\0') {
      *value = v;
      return true;
    }
  }
  return false;
}

void Flags::Describe(absl::string_view name, absl::string_view default_value,
                     absl::string_view help) {
  absl::StrAppend(&usage_, "  --", name, "  ", help, " (env ", EnvName(service_, name), " or ",
                  EnvName("", name), "; default \"", default_value, "\")\n");
}

std::string Flags::String(absl::string_view name, absl::string_view default_value,
                          absl::string_view help) {
  Describe(name, default_value, help);
  std::string value;
  return Lookup(name, &value) ? value : std::string(default_value);
}

std::string Flags::RequiredString(absl::string_view name, absl::string_view help) {
  Describe(name, "", absl::StrCat(help, "; required"));
  std::string value;
  if (!Lookup(name, &value)) errors_.push_back(absl::StrCat("--", name, " is required"));
  return value;
}

int64_t Flags::Int(absl::string_view name, int64_t default_value, absl::string_view help,
                   int64_t min, int64_t max) {
  Describe(name, absl::StrCat(default_value), absl::StrCat(help, " [", min, "..", max, "]"));
  std::string text;
  if (!Lookup(name, &text)) return default_value;
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < min || value > max) {
    errors_.push_back(absl::StrCat("--", name, " must be an integer in [", min, ", ", max,
                                   "], got '", text, "'"));
    return default_value;
  }
  return value;
}

bool Flags::Bool(absl::string_view name, bool default_value, absl::string_view help) {
  Describe(name, default_value ? "true" : "false", help);
  std::string text;
  if (!Lookup(name, &text)) return default_value;
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  errors_.push_back(absl::StrCat("--", name, " must be true or false, got '", text, "'"));
  return default_value;
}

absl::Status Flags::Finish() {
  if (help_) return absl::FailedPreconditionError(usage_);
  for (const auto& [name, value] : given_) {
    if (!known_.contains(name)) errors_.push_back(absl::StrCat("unknown flag --", name));
  }
  if (errors_.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(errors_, "; "));
}

}  // namespace crm::platform
