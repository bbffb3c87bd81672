#include "gateway/routing/path_template.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace crm::gateway {
namespace {

// RFC 3986 unreserved characters: they never need encoding, so a literal made of them compares
// byte for byte with what any client sends.
bool IsUnreserved(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

bool IsIdent(absl::string_view s) {
  if (s.empty()) return false;
  if (!absl::ascii_isalpha(static_cast<unsigned char>(s[0])) && s[0] != '_') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool IsFieldPath(absl::string_view s) {
  for (absl::string_view part : absl::StrSplit(s, '.')) {
    if (!IsIdent(part)) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// True when every '%' in `s` starts a two-hex-digit escape.
bool ValidEscapes(absl::string_view s) {
  for (size_t i = s.find('%'); i != absl::string_view::npos; i = s.find('%', i + 3)) {
    if (i + 2 >= s.size() || HexValue(s[i + 1]) < 0 || HexValue(s[i + 2]) < 0) return false;
  }
  return true;
}

// Percent-decodes `s` (escapes already validated). With `keep_slash`, "%2F" stays as written: a
// rest capture joins segments with '/', and a decoded slash would be indistinguishable from one.
std::string Decode(absl::string_view s, bool keep_slash) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    char c = static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
    if (keep_slash && c == '/') {
      out.append(s.data() + i, 3);
    } else {
      out.push_back(c);
    }
    i += 2;
  }
  return out;
}

absl::Status Bad(absl::string_view text, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\": ", problem));
}

}  // namespace

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  if (text.empty() || text[0] != '/') return Bad(text, "must start with '/'");
  PathTemplate t;
  t.text_ = std::string(text);
  const size_t n = text.size();
  size_t i = 1;  // start of the current segment
  while (true) {
    if (i == n || text[i] == '/' || text[i] == ':') return Bad(text, "empty segment");
    if (text[i] == '{') {
      size_t close = text.find_first_of("{}", i + 1);
      if (close == absl::string_view::npos) return Bad(text, "unbalanced '{'");
      if (text[close] == '{') return Bad(text, "nested '{'");
      absl::string_view content = text.substr(i + 1, close - i - 1);
      size_t eq = content.find('=');
      absl::string_view field = content.substr(0, eq);
      if (!IsFieldPath(field)) {
        return Bad(text,
                   absl::StrCat("bad field name \"", field, "\" (want identifiers joined by '.')"));
      }
      Kind kind = Kind::kVariable;
      if (eq != absl::string_view::npos) {
        absl::string_view pattern = content.substr(eq + 1);
        if (pattern == "**") {
          kind = Kind::kRest;
        } else if (pattern != "*") {
          return Bad(text, absl::StrCat("unsupported pattern \"", pattern, "\" for field \"", field,
                                        "\" (only '*' and '**')"));
        }
      }
      if (std::find(t.fields_.begin(), t.fields_.end(), field) != t.fields_.end()) {
        return Bad(text, absl::StrCat("field \"", field, "\" captured twice"));
      }
      t.fields_.emplace_back(field);
      t.segments_.push_back({kind, ""});
      i = close + 1;
      if (i < n && text[i] != '/' && text[i] != ':') {
        return Bad(text, text[i] == '}' ? "unbalanced '}'" : "a variable must be a whole segment");
      }
    } else {
      size_t j = i;
      for (; j < n && text[j] != '/' && text[j] != ':'; ++j) {
        if (text[j] == '}') return Bad(text, "unbalanced '}'");
        if (text[j] == '{') return Bad(text, "a variable must be a whole segment");
        if (!IsUnreserved(text[j])) {
          return Bad(text, absl::StrCat("character '", text.substr(j, 1),
                                        "' not allowed in a literal (only [A-Za-z0-9-._~])"));
        }
      }
      t.segments_.push_back({Kind::kLiteral, std::string(text.substr(i, j - i))});
      i = j;
    }
    if (i == n) break;
    if (text[i] == '/') {
      ++i;
      continue;
    }
    // text[i] == ':': the verb runs to the end.
    absl::string_view verb = text.substr(i + 1);
    if (verb.empty()) return Bad(text, "empty verb after ':'");
    for (char c : verb) {
      if (c == ':') return Bad(text, "two verbs");
      if (c == '/') return Bad(text, "a verb (':name') may only end the template");
      if (c == '{' || c == '}') return Bad(text, "a verb cannot hold a variable");
      if (!IsUnreserved(c)) {
        return Bad(text, absl::StrCat("character '", absl::string_view(&c, 1),
                                      "' not allowed in a verb (only [A-Za-z0-9-._~])"));
      }
    }
    t.verb_ = std::string(verb);
    break;
  }
  for (size_t k = 0; k + 1 < t.segments_.size(); ++k) {
    if (t.segments_[k].kind == Kind::kRest) return Bad(text, "'**' must be the last segment");
  }
  return t;
}

bool PathTemplate::Walk(absl::string_view path, std::vector<absl::string_view>* raw) const {
  if (segments_.empty() || path.empty() || path[0] != '/') return false;
  absl::string_view rest = path.substr(1);
  if (!verb_.empty()) {
    if (rest.size() < verb_.size() + 1) return false;
    absl::string_view tail = rest.substr(rest.size() - verb_.size() - 1);
    if (tail[0] != ':' || tail.substr(1) != verb_) return false;
    rest.remove_suffix(verb_.size() + 1);
  }
  // After the leading '/' there is always one more segment, possibly empty; `at_end` says the
  // last one has been consumed.
  bool at_end = false;
  for (const Segment& s : segments_) {
    if (at_end) return false;
    if (s.kind == Kind::kRest) {
      if (rest.empty() || rest.back() == '/' || rest.find("//") != absl::string_view::npos ||
          !ValidEscapes(rest)) {
        return false;
      }
      if (raw != nullptr) raw->push_back(rest);
      at_end = true;
      continue;
    }
    size_t slash = rest.find('/');
    absl::string_view seg = rest.substr(0, slash);
    if (seg.empty()) return false;
    if (s.kind == Kind::kLiteral) {
      if (seg != s.literal) return false;
    } else {
      if (!ValidEscapes(seg)) return false;
      if (raw != nullptr) raw->push_back(seg);
    }
    if (slash == absl::string_view::npos) {
      at_end = true;
    } else {
      rest.remove_prefix(slash + 1);
    }
  }
  return at_end;
}

bool PathTemplate::Matches(absl::string_view path) const { return Walk(path, nullptr); }

bool PathTemplate::Match(absl::string_view path,
                         std::vector<std::pair<std::string, std::string>>* captures) const {
  std::vector<absl::string_view> raw;
  raw.reserve(fields_.size());
  if (!Walk(path, &raw)) return false;
  if (captures == nullptr) return true;
  captures->clear();
  size_t f = 0;
  for (const Segment& s : segments_) {
    if (s.kind == Kind::kLiteral) continue;
    captures->emplace_back(fields_[f], Decode(raw[f], /*keep_slash=*/s.kind == Kind::kRest));
    ++f;
  }
  return true;
}

std::string PathTemplate::ShapeKey() const {
  std::string key;
  for (const Segment& s : segments_) {
    key += '/';
    switch (s.kind) {
      case Kind::kLiteral:
        key += s.literal;
        break;
      case Kind::kVariable:
        key += "{}";
        break;
      case Kind::kRest:
        key += "{**}";
        break;
    }
  }
  if (!verb_.empty()) absl::StrAppend(&key, ":", verb_);
  return key;
}

int PathTemplate::CompareSpecificity(const PathTemplate& a, const PathTemplate& b) {
  const size_t n = std::min(a.segments_.size(), b.segments_.size());
  for (size_t k = 0; k < n; ++k) {
    int diff = static_cast<int>(a.segments_[k].kind) - static_cast<int>(b.segments_[k].kind);
    if (diff != 0) return diff;
  }
  // Equal kinds up to the shorter length: two such templates can only both match one path when
  // the lengths are equal (a rest variable is last), so this only keeps the order total.
  if (a.segments_.size() != b.segments_.size()) {
    return a.segments_.size() > b.segments_.size() ? 1 : -1;
  }
  return static_cast<int>(!a.verb_.empty()) - static_cast<int>(!b.verb_.empty());
}

}  // namespace crm::gateway
