#include "http/respond.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <system_error>

#include "http/text.h"
#include "vfs/asset_info.h"
#include "vfs/contents.h"
#include "vfs/read_dir.h"

namespace vfs::http::detail {
namespace {

// Go's condResult: a precondition that is absent, holds, or fails.
enum class Cond { none, yes, no };

struct ETag {
  bool weak = false;
  std::string_view opaque;  // with its quotes
};

// Go's scanETag: one entity-tag at the front of `s` (after spaces), and
// what follows it; nullopt when malformed.
std::optional<ETag> scan_etag(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  ETag tag;
  if (s.starts_with("W/")) {
    tag.weak = true;
    s.remove_prefix(2);
  }
  if (s.size() < 2 || s.front() != '"') return std::nullopt;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') {
      tag.opaque = s.substr(0, i + 1);
      s.remove_prefix(i + 1);
      return tag;
    }
    // etagc = %x21 / %x23-7E / obs-text
    if (c < 0x21 || c == 0x7f) return std::nullopt;
  }
  return std::nullopt;
}

// Steps over the separator after a tag in a list; false at the end.
bool next_in_list(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  if (s.empty()) return false;
  if (s.front() == ',') s.remove_prefix(1);
  return true;
}

// Walks a list of entity-tags as Go's checkIfMatch and checkIfNoneMatch do:
// "*" or a tag that `matches` gives `hit`; the end of the list, or a
// malformed entry, gives `miss`; an absent header none.
template <class Matches>
Cond scan_etag_list(std::string_view list, Cond hit, Cond miss, Matches matches) {
  if (list.empty()) return Cond::none;
  for (;;) {
    while (!list.empty() && (list.front() == ' ' || list.front() == '\t' || list.front() == ',')) {
      list.remove_prefix(1);
    }
    if (list.empty()) break;
    if (list.front() == '*') return hit;
    const auto tag = scan_etag(list);
    if (!tag) break;
    if (matches(*tag)) return hit;
    if (!next_in_list(list)) break;
  }
  return miss;
}

// If-Match compares strongly: neither tag may be weak.
Cond check_if_match(std::string_view im, std::string_view etag) {
  return scan_etag_list(im, Cond::yes, Cond::no, [&](const ETag& tag) {
    return !tag.weak && !etag.empty() && !etag.starts_with("W/") && tag.opaque == etag;
  });
}

// If-None-Match compares weakly: the opaque parts alone.
Cond check_if_none_match(std::string_view inm, std::string_view etag) {
  std::string_view ours = etag;
  if (ours.starts_with("W/")) ours.remove_prefix(2);
  return scan_etag_list(inm, Cond::no, Cond::yes,
                        [&](const ETag& tag) { return !ours.empty() && tag.opaque == ours; });
}

// `modsec`: the modification time in whole seconds; nullopt if unknown.
Cond check_if_unmodified_since(std::string_view ius, std::optional<std::int64_t> modsec) {
  if (ius.empty() || !modsec) return Cond::none;
  const auto t = parse_http_date(ius);
  if (!t) return Cond::none;
  return *modsec <= *t ? Cond::yes : Cond::no;
}

Cond check_if_modified_since(const Request& r, std::optional<std::int64_t> modsec) {
  if ((r.method != "GET" && r.method != "HEAD") || r.if_modified_since.empty() || !modsec) {
    return Cond::none;
  }
  const auto t = parse_http_date(r.if_modified_since);
  if (!t) return Cond::none;
  return *modsec <= *t ? Cond::no : Cond::yes;
}

Cond check_if_range(const Request& r, std::string_view etag, std::optional<std::int64_t> modsec) {
  if (r.method != "GET" && r.method != "HEAD") return Cond::none;
  std::string_view ir = r.if_range;
  if (ir.empty()) return Cond::none;
  std::string_view rest = ir;
  if (const auto tag = scan_etag(rest)) {
    // A strong comparison: a weak tag never matches.
    return !tag->weak && !etag.empty() && !etag.starts_with("W/") && tag->opaque == etag ? Cond::yes
                                                                                         : Cond::no;
  }
  if (!modsec) return Cond::no;
  const auto t = parse_http_date(ir);
  return t && *t == *modsec ? Cond::yes : Cond::no;
}

struct Range {
  std::int64_t start = 0;
  std::int64_t length = 0;
};

enum class RangeError { none, invalid, no_overlap };

// A non-negative decimal that fits an int64, leading zeros allowed (Go's
// strconv.ParseInt, without a sign).
std::optional<std::int64_t> parse_int(std::string_view s) {
  if (s.empty()) return std::nullopt;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const int digit = c - '0';
    if (v > (kMax - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Go's parseRange. One difference: a suffix range of zero bytes ("-0") is
// unsatisfiable (RFC 9110 section 14.1.3), where Go 1.19 made it an empty
// range.
RangeError parse_range(std::string_view s, std::int64_t size, std::vector<Range>& out) {
  constexpr std::string_view kBytes = "bytes=";
  if (!s.starts_with(kBytes)) return RangeError::invalid;
  s.remove_prefix(kBytes.size());
  bool no_overlap = false;
  while (true) {
    const auto comma = s.find(',');
    const std::string_view ra = trim(s.substr(0, comma));
    if (!ra.empty()) {
      const auto dash = ra.find('-');
      if (dash == std::string_view::npos) return RangeError::invalid;
      const std::string_view start = trim(ra.substr(0, dash)), end = trim(ra.substr(dash + 1));
      Range r;
      if (start.empty()) {
        const auto n = parse_int(end);
        if (!n) return RangeError::invalid;
        if (*n == 0) {
          no_overlap = true;
        } else {
          r.start = size - std::min(*n, size);
          r.length = size - r.start;
          if (r.length == 0) {
            no_overlap = true;
          } else {
            out.push_back(r);
          }
        }
      } else {
        const auto i = parse_int(start);
        if (!i) return RangeError::invalid;
        if (*i >= size) {
          no_overlap = true;
        } else {
          r.start = *i;
          if (end.empty()) {
            r.length = size - r.start;
          } else {
            auto e = parse_int(end);
            if (!e || r.start > *e) return RangeError::invalid;
            if (*e >= size) e = size - 1;
            r.length = *e - r.start + 1;
          }
          out.push_back(r);
        }
      }
    }
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  if (no_overlap && out.empty()) return RangeError::no_overlap;
  return RangeError::none;
}

std::string content_range(const Range& r, std::int64_t size) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "bytes %lld-%lld/%lld", static_cast<long long>(r.start),
                static_cast<long long>(r.start + r.length - 1), static_cast<long long>(size));
  return buf;
}

// Content-codings of precompressed copies, best first when the client
// weighs them alike.
constexpr std::string_view kEncodingPreference[] = {"br", "zstd", "gzip"};

// What the FS knows of a file beyond its FileInfo (EmbedFS: a build-time
// hash, media type and precompressed copies): asked of the open file, else
// of the FS.
std::optional<AssetInfo> asset_of(FS& fs, File& file, const std::string& name) {
  if (auto* f = dynamic_cast<AssetInfoFile*>(&file)) return f->asset_info();
  if (auto* a = dynamic_cast<AssetInfoFS*>(&fs)) {
    if (auto info = a->asset_info(name)) return *info;
  }
  return std::nullopt;
}

// A precompressed copy, served as a file: its bytes are static data.
class MemoryFile final : public ContentsFile {
 public:
  MemoryFile(std::string_view data, FileInfo info) : data_(data), info_(std::move(info)) {}
  Result<FileInfo> stat() override { return info_; }
  Result<std::size_t> read(std::span<char> buf) override {
    const std::size_t n = std::min(buf.size(), data_.size() - pos_);
    std::copy_n(data_.data() + pos_, n, buf.data());
    pos_ += n;
    return n;
  }
  Status close() override { return {}; }
  std::string_view contents() const noexcept override { return data_; }

 private:
  std::string_view data_;
  FileInfo info_;
  std::size_t pos_ = 0;
};

// The content-coding the client prefers among `offered` (in our order of
// preference for equal weights); "" for none.
std::string_view negotiate(std::string_view accept, std::span<const std::string_view> offered) {
  std::string_view best;
  double best_q = 0;
  for (const std::string_view coding : offered) {
    double q = -1, star = -1;
    std::string_view rest = accept;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string_view item = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      double w = 1;
      if (const auto semi = item.find(';'); semi != std::string_view::npos) {
        std::string_view param = trim(item.substr(semi + 1));
        item = trim(item.substr(0, semi));
        if (param.starts_with("q=") || param.starts_with("Q=")) {
          param.remove_prefix(2);
          // q is 0, 1, or 0.xxx: parse without locale-dependent strtod.
          w = 0;
          if (!param.empty() && param[0] == '1') {
            w = 1;
          } else if (param.size() > 2 && param[0] == '0' && param[1] == '.') {
            double scale = 0.1;
            for (std::size_t i = 2; i < param.size() && i < 5; ++i) {
              if (param[i] < '0' || param[i] > '9') break;
              w += (param[i] - '0') * scale;
              scale /= 10;
            }
          }
        }
      }
      auto same = [](std::string_view a, std::string_view b) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
          if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
        }
        return true;
      };
      if (same(item, coding)) q = w;
      if (item == "*") star = w;
    }
    if (q < 0) q = star;
    if (q > best_q) {
      best_q = q;
      best = coding;
    }
  }
  return best;
}

int status_for(const Error& e) {
  if (e.is(errc::not_exist) || e.code() == std::errc::not_a_directory ||
      e.code() == std::errc::too_many_symbolic_link_levels ||
      e.code() == std::errc::filename_too_long) {
    return 404;
  }
  if (e.is(errc::permission)) return 403;
  if (e.is(errc::invalid)) return 400;
  return 500;
}

Response redirect(std::string_view location, std::string_view query) {
  Response r;
  r.status = 301;
  std::string loc = escape_path(location);
  if (!query.empty()) {
    loc += '?';
    // The query stays as the client sent it (still percent-encoded); only
    // bytes that could end or break the header line are escaped.
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (const char ch : query) {
      const auto c = static_cast<unsigned char>(ch);
      if (c > 0x20 && c < 0x7f) {
        loc += ch;
      } else {
        loc += '%';
        loc += kHex[c >> 4];
        loc += kHex[c & 15];
      }
    }
  }
  r.add("Location", loc);
  return r;
}

std::string base(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::optional<std::int64_t> seconds_of(Time t) {
  if (t == Time{}) return std::nullopt;  // MapFS's default: unknown, as Go's zero time
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

Response not_modified(std::string_view etag, std::string_view vary,
                      std::optional<std::int64_t> modsec) {
  Response r;
  r.status = 304;
  r.has_length = false;
  if (!etag.empty()) {
    r.add("ETag", etag);
  } else if (modsec) {
    r.add("Last-Modified", format_http_date(*modsec));
  }
  if (!vary.empty()) r.add("Vary", vary);
  return r;
}

Response list_directory(FS& fs, const std::string& name, const FileInfo& info, const Request& req) {
  const auto modsec = seconds_of(info.mod_time);
  if (check_if_modified_since(req, modsec) == Cond::no) return not_modified({}, {}, std::nullopt);
  auto entries = read_dir(fs, name);
  if (!entries) return error_response(500);
  std::string body = "<pre>\n";
  for (const DirEntry& e : *entries) {
    std::string shown = e.name();
    if (e.is_dir()) shown += '/';
    body += "<a href=\"";
    body += escape_path(shown);
    body += "\">";
    body += html_escape(shown);
    body += "</a>\n";
  }
  body += "</pre>\n";
  Response r;
  if (modsec) r.add("Last-Modified", format_http_date(*modsec));
  r.add("Content-Type", "text/html; charset=utf-8");
  r.content_length = static_cast<std::int64_t>(body.size());
  r.body.push_back({std::move(body)});
  return r;
}

Response serve_content(FS& fs, const std::string& name, FilePtr file, FileInfo info,
                       const Request& req) {
  const std::optional<AssetInfo> asset = asset_of(fs, *file, name);
  std::string_view ctype =
      asset && !asset->media_type.empty() ? asset->media_type : media_type_by_extension(name);
  if (ctype.empty()) ctype = "application/octet-stream";

  std::string_view vary, encoding, hash = asset ? asset->sha256 : std::string_view();
  if (asset && !asset->encoded.empty()) {
    vary = "Accept-Encoding";
    std::string_view offered[std::size(kEncodingPreference)];
    std::size_t n = 0;
    for (const std::string_view coding : kEncodingPreference) {
      if (asset->find(coding)) offered[n++] = coding;
    }
    encoding = negotiate(req.accept_encoding, std::span(offered, n));
    if (const EncodedCopy* copy = encoding.empty() ? nullptr : asset->find(encoding)) {
      // The copy was made at build time: no compressing per request.
      info.size = static_cast<std::int64_t>(copy->data.size());
      file = std::make_unique<MemoryFile>(copy->data, info);
      hash = copy->sha256;
    }
  }
  const auto modsec = seconds_of(info.mod_time);
  std::string etag;
  if (!hash.empty()) {
    etag = "\"" + std::string(hash) + '"';  // a copy's own hash: ETags differ per encoding
  } else if (info.mod_time != Time{}) {
    char buf[64];
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(info.mod_time.time_since_epoch())
            .count();
    std::snprintf(buf, sizeof buf, "\"%llx-%llx\"", static_cast<unsigned long long>(ns),
                  static_cast<unsigned long long>(info.size));
    etag = buf;
  }

  // Go's checkPreconditions.
  Cond c = check_if_match(req.if_match, etag);
  if (c == Cond::none) c = check_if_unmodified_since(req.if_unmodified_since, modsec);
  if (c == Cond::no) return error_response(412);
  switch (check_if_none_match(req.if_none_match, etag)) {
    case Cond::no:
      if (req.method == "GET" || req.method == "HEAD") return not_modified(etag, vary, modsec);
      return error_response(412);
    case Cond::none:
      if (check_if_modified_since(req, modsec) == Cond::no) {
        return not_modified(etag, vary, modsec);
      }
      break;
    case Cond::yes:
      break;
  }
  std::string_view range = req.range;
  if (!range.empty() && check_if_range(req, etag, modsec) == Cond::no) range = {};

  const std::int64_t size = info.size;
  Response r;
  std::vector<Range> ranges;
  if (!range.empty()) {
    const RangeError err = parse_range(range, size, ranges);
    if (err != RangeError::none) {
      r = error_response(416);
      if (err == RangeError::no_overlap) r.add("Content-Range", "bytes */" + std::to_string(size));
      return r;
    }
    std::int64_t sum = 0;
    for (const Range& x : ranges) sum += x.length;
    if (sum > size) ranges.clear();  // overlapping ranges: the whole file is less (as Go)
  }
  if (modsec) r.add("Last-Modified", format_http_date(*modsec));
  if (!etag.empty()) r.add("ETag", etag);
  if (!vary.empty()) r.add("Vary", vary);
  if (!encoding.empty()) r.add("Content-Encoding", encoding);
  r.add("Accept-Ranges", "bytes");
  r.file = std::move(file);
  if (ranges.size() == 1) {
    r.status = 206;
    r.add("Content-Range", content_range(ranges[0], size));
    r.add("Content-Type", ctype);
    r.body.push_back({{}, ranges[0].start, ranges[0].length, true});
  } else if (ranges.size() > 1) {
    r.status = 206;
    // Go's multipart.Writer: a random boundary, parts separated by CRLF.
    static constexpr char kHex[] = "0123456789abcdef";
    std::random_device rd;
    std::string boundary;
    for (int i = 0; i < 4; ++i) {
      for (unsigned v = rd(), k = 0; k < 8; ++k, v >>= 4) boundary += kHex[v & 15];
    }
    r.add("Content-Type", "multipart/byteranges; boundary=" + boundary);
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      std::string head = i ? "\r\n--" : "--";
      head += boundary;
      head += "\r\nContent-Range: " + content_range(ranges[i], size);
      head += "\r\nContent-Type: ";
      head += ctype;
      head += "\r\n\r\n";
      r.body.push_back({std::move(head)});
      r.body.push_back({{}, ranges[i].start, ranges[i].length, true});
    }
    r.body.push_back({"\r\n--" + boundary + "--\r\n"});
  } else {
    r.add("Content-Type", ctype);
    r.body.push_back({{}, 0, size, true});
  }
  r.content_length = 0;
  for (const Segment& s : r.body) r.content_length += s.size();
  return r;
}

}  // namespace

void Response::add(std::string_view name, std::string_view value) {
  headers += name;
  headers += ": ";
  headers += value;
  headers += "\r\n";
}

std::string_view status_text(int status) noexcept {
  switch (status) {
    case 200:
      return "OK";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 412:
      return "Precondition Failed";
    case 416:
      return "Range Not Satisfiable";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

Response error_response(int status) {
  Response r;
  r.status = status;
  r.add("Content-Type", "text/plain; charset=utf-8");
  r.add("X-Content-Type-Options", "nosniff");
  std::string body = std::to_string(status) + " " + std::string(status_text(status)) + "\n";
  r.content_length = static_cast<std::int64_t>(body.size());
  r.body.push_back({std::move(body)});
  return r;
}

Response respond(FS& fs, const ServerOptions& options, const Request& req) {
  if (req.method != "GET" && req.method != "HEAD") {
    Response r = error_response(405);
    r.add("Allow", "GET, HEAD");
    return r;
  }
  std::string_view target = req.target;
  // absolute-form (RFC 9112 section 3.2.2): the path starts after the authority.
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size()) {
      bool match = true;
      for (std::size_t i = 0; i < scheme.size(); ++i) {
        if ((target[i] | 0x20) != scheme[i]) match = false;
      }
      if (match) {
        target.remove_prefix(scheme.size());
        const auto slash = target.find('/');
        target = slash == std::string_view::npos ? "/" : target.substr(slash);
      }
    }
  }
  if (target.empty() || target.front() != '/') return error_response(400);
  std::string_view query;
  if (const auto q = target.find('?'); q != std::string_view::npos) {
    query = target.substr(q + 1);
    target = target.substr(0, q);
  }
  if (const auto hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  if (const auto hash = query.find('#'); hash != std::string_view::npos) {
    query = query.substr(0, hash);
  }
  const auto decoded = percent_decode(target);
  if (!decoded || decoded->find('\0') != std::string::npos) return error_response(400);
  const std::string& url_path = *decoded;  // Go's r.URL.Path
  if (url_path.ends_with("/index.html")) return redirect("./", query);
  const std::string cleaned = clean_path(url_path);
  std::string name = cleaned == "/" ? "." : cleaned.substr(1);
  if (!valid_path(name)) return error_response(400);

  auto file = fs.open(name);
  if (!file) return error_response(status_for(file.error()));
  auto info = (*file)->stat();
  if (!info) return error_response(status_for(info.error()));
  if (info->is_dir()) {
    if (url_path.back() != '/') return redirect(base(url_path) + "/", query);
  } else if (url_path.back() == '/') {
    return redirect("../" + base(url_path), query);
  }
  if (info->is_dir()) {
    const std::string index = name == "." ? "index.html" : name + "/index.html";
    if (auto ifile = fs.open(index)) {
      if (auto iinfo = (*ifile)->stat(); iinfo && !iinfo->is_dir()) {
        (void)(*file)->close();  // the directory: only its index is served
        return serve_content(fs, index, std::move(*ifile), std::move(*iinfo), req);
      }
    }
    if (!options.directory_listing) return error_response(403);
    return list_directory(fs, name, *info, req);
  }
  return serve_content(fs, name, std::move(*file), std::move(*info), req);
}

}  // namespace vfs::http::detail
