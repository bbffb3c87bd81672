#include "fuzz/fuzz_support.h"

#include <google/protobuf/stubs/logging.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "platform/base/log.h"

namespace crm::fuzz {

KeyPair NewEs256Keys() {
  auto pair = platform::NewEs256KeyPair();
  if (!pair.ok()) Fail(__FILE__, __LINE__, "cannot make a P-256 key");
  return *pair;
}

const gateway::RouteTable& RealRoutes() {
  static const gateway::RouteTable* routes = [] {
    QuietLogs();
    auto built = gateway::RouteTable::Build(gateway::RouteTable::GeneratedServices());
    FUZZ_CHECK(built.ok(), "the real route table does not build");
    return new gateway::RouteTable(std::move(*built));
  }();
  return *routes;
}

std::string SignEs256(const std::string& private_pem, absl::string_view header,
                      absl::string_view payload) {
  std::string input =
      absl::StrCat(absl::WebSafeBase64Escape(header), ".", absl::WebSafeBase64Escape(payload));
  BIO* bio = BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) Fail(__FILE__, __LINE__, "cannot read the signing key");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t der_size = 0;
  bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestSign(ctx, nullptr, &der_size,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  std::string der(der_size, '\0');
  ok =
      ok && EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &der_size,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  if (!ok) Fail(__FILE__, __LINE__, "cannot sign");
  // JWS wants r || s, 32 bytes each, not OpenSSL's DER.
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_size));
  if (sig == nullptr) Fail(__FILE__, __LINE__, "cannot read the signature");
  unsigned char raw[64];
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
  ECDSA_SIG_free(sig);
  return absl::StrCat(
      input, ".",
      absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<const char*>(raw), sizeof raw)));
}

void QuietLogs() {
  platform::SetLogLevel(platform::LogLevel::kError);
  // Protobuf's complaints about the inputs' invalid UTF-8 and the like: expected, and slow.
  google::protobuf::SetLogHandler(nullptr);
}

void Fail(const char* file, int line, absl::string_view what) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %.*s\n", file, line,
               static_cast<int>(what.size()), what.data());
  std::abort();
}

}  // namespace crm::fuzz
