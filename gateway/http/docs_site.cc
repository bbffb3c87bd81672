#include "gateway/http/docs_site.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace crm::gateway {
namespace {

// Our page, not the package's index.html, so it points at /openapi.json with no
// swagger-initializer.js to edit.
constexpr char kIndex[] = R"(<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>CRM API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui",
                                 deepLinking: true, docExpansion: "list"});
  </script>
</body>
</html>
)";

struct File {
  const char* name;
  const char* content_type;
};
constexpr File kFiles[] = {{"swagger-ui-bundle.js", "application/javascript"},
                           {"swagger-ui.css", "text/css"},
                           {"favicon-32x32.png", "image/png"}};

}  // namespace

absl::StatusOr<DocsSite> DocsSite::Load(const std::string& dir) {
  DocsSite site;
  for (const File& file : kFiles) {
    std::string path = absl::StrCat(dir, "/", file.name);
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("the API viewer needs ", path));
    std::stringstream body;
    body << in.rdbuf();
    site.assets_[absl::StrCat("/docs/", file.name)] = {file.content_type, body.str()};
  }
  Asset index{"text/html; charset=utf-8", kIndex};
  site.assets_["/docs"] = index;
  site.assets_["/docs/"] = index;
  return site;
}

const DocsSite::Asset* DocsSite::Find(absl::string_view path) const {
  auto it = assets_.find(path);
  return it == assets_.end() ? nullptr : &it->second;
}

}  // namespace crm::gateway
