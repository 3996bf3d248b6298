#include "gateway/fanout/frame.hpp"

#include <zlib.h>

#include <stdexcept>

namespace gangway {
namespace {

// One zlib stream per thread and level, reset between messages: a message
// needs no state from the one before (no context takeover), and keeping the
// stream saves its ~270 KiB of allocations per message.
class Deflater {
 public:
  explicit Deflater(int level) {
    // -15: raw deflate with a 32 KiB window, as RFC 7692 expects by default.
    if (deflateInit2(&z_, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error("zlib: deflateInit2 failed");
  }
  ~Deflater() { deflateEnd(&z_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  std::string compress(std::string_view text) {
    deflateReset(&z_);
    std::string out(deflateBound(&z_, text.size()) + 8, '\0');
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z_.avail_in = static_cast<uInt>(text.size());
    z_.next_out = reinterpret_cast<Bytef*>(out.data());
    z_.avail_out = static_cast<uInt>(out.size());
    // A sync flush ends the message on a byte boundary with 00 00 ff ff,
    // which the receiver appends again before inflating (RFC 7692 7.2.2).
    deflate(&z_, Z_SYNC_FLUSH);
    out.erase(out.size() - z_.avail_out);
    if (out.size() >= 4 && out.compare(out.size() - 4, 4, std::string_view("\0\0\xff\xff", 4)) == 0)
      out.erase(out.size() - 4);
    return out;
  }

 private:
  z_stream z_{};
};

Deflater& deflater(int level) {
  thread_local std::unique_ptr<Deflater> per_level[10];
  if (level < 1 || level > 9) level = 6;
  auto& d = per_level[level];
  if (!d) d = std::make_unique<Deflater>(level);
  return *d;
}

}  // namespace

std::string deflate_message(std::string_view text, int level) { return deflater(level).compress(text); }

FrameBytes::~FrameBytes() {
  const std::string* d = deflated_.load(std::memory_order_relaxed);
  if (d != &text_) delete d;
}

const std::string* FrameBytes::deflated(int level) const {
  const std::string* d = deflated_.load(std::memory_order_acquire);
  if (!d) {
    auto made = std::make_unique<std::string>(deflate_message(text_, level));
    const std::string* mine = made->size() < text_.size() ? made.get() : &text_;
    if (deflated_.compare_exchange_strong(d, mine, std::memory_order_acq_rel)) {
      if (mine != &text_) made.release();  // else freed here: no smaller than the text
      d = mine;
    }  // else another thread won; `d` is its result and ours is freed
  }
  return d == &text_ ? nullptr : d;
}

}  // namespace gangway
