// The API documentation at /docs: Swagger UI (swagger-ui-dist from npm, installed by ./crm)
// rendering the gateway's own /openapi.json. The viewer's files are read once at start and
// served from memory; only the few it needs are served at all.
//
//   auto site = DocsSite::Load("tools/web/node_modules/swagger-ui-dist");
//   if (const DocsSite::Asset* a = site->Find("/docs")) ... a->content_type, a->body
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::gateway {

class DocsSite {
 public:
  struct Asset {
    std::string content_type;
    std::string body;
  };

  // Reads the viewer from `dir` (a swagger-ui-dist folder). Errors: NOT_FOUND naming the file
  // missing from `dir`.
  static absl::StatusOr<DocsSite> Load(const std::string& dir);

  // The asset for a request path ("/docs", "/docs/", "/docs/swagger-ui.css", ...), or nullptr.
  const Asset* Find(absl::string_view path) const;

 private:
  std::map<std::string, Asset, std::less<>> assets_;
};

}  // namespace crm::gateway
