#include "tests/bench/ws_frames.hpp"

#include <cstring>

namespace gangway::bench {

std::string client_frame(int opcode, std::string_view payload, std::uint32_t mask) {
  std::string out;
  out.reserve(payload.size() + 14);
  out.push_back(static_cast<char>(0x80 | opcode));
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(0x80 | payload.size()));
  } else if (payload.size() <= 0xffff) {
    out.push_back(static_cast<char>(0x80 | 126));
    for (int shift = 8; shift >= 0; shift -= 8) out.push_back(static_cast<char>(payload.size() >> shift));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>(static_cast<std::uint64_t>(payload.size()) >> shift));
  }
  unsigned char key[4];
  std::memcpy(key, &mask, 4);
  out.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < payload.size(); ++i) out.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
  return out;
}

std::string close_payload(std::uint16_t code) {
  return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
}

int close_code(std::string_view payload) {
  if (payload.size() < 2) return 1005;
  return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
}

void FrameReader::ZDeleter::operator()(z_stream* z) const {
  inflateEnd(z);
  delete z;
}

void FrameReader::enable_inflate(bool reset_each_message) {
  inflater_.reset(new z_stream{});
  // Raw deflate, the largest window: it reads data made with any smaller one.
  if (inflateInit2(inflater_.get(), -15) != Z_OK) {
    delete inflater_.release();
    error_ = "inflateInit2 failed";
  }
  reset_each_message_ = reset_each_message;
}

FrameReader::Parse FrameReader::parse(std::string_view in, Frame& f) {
  if (in.size() < 2) return Parse::incomplete;
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(in[i]); };
  f.fin = byte(0) & 0x80;
  f.compressed = byte(0) & 0x40;
  f.opcode = byte(0) & 0x0f;
  if (byte(1) & 0x80) {
    error_ = "masked frame from the server";
    return Parse::bad;
  }
  std::uint64_t length = byte(1) & 0x7f;
  std::size_t header = 2;
  if (length >= 126) {
    std::size_t extra = length == 126 ? 2 : 8;
    if (in.size() < header + extra) return Parse::incomplete;
    length = 0;
    for (std::size_t i = 0; i < extra; ++i) length = (length << 8) | byte(header + i);
    header += extra;
  }
  if (in.size() - header < length) return Parse::incomplete;
  f.payload = in.substr(header, length);
  f.size = header + length;
  return Parse::whole;
}

bool FrameReader::complete(Frame& f, std::string_view& message) {
  if (f.opcode >= kClose) {  // control frames are never fragmented and may come between fragments
    message = f.payload;
    return true;
  }
  if (f.opcode != kContinuation) {
    message_opcode_ = f.opcode;
    message_compressed_ = f.compressed;
    fragments_.clear();
  }
  if (!f.fin) {
    fragments_.append(f.payload);
    return false;
  }
  f.opcode = message_opcode_;
  std::string_view whole = f.payload;
  if (!fragments_.empty()) {
    fragments_.append(f.payload);
    whole = fragments_;
  }
  if (!message_compressed_) {
    message = whole;
    return true;
  }
  if (!inflate(whole)) return false;
  message = inflated_;
  return true;
}

bool FrameReader::inflate(std::string_view compressed) {
  if (!inflater_) {
    error_ = "compressed frame without permessage-deflate";
    return false;
  }
  // RFC 7692 7.2.2: the sender removed this empty block's trailer.
  static constexpr unsigned char kTail[] = {0x00, 0x00, 0xff, 0xff};
  z_stream& z = *inflater_;
  inflated_.clear();
  for (std::string_view part : {compressed, std::string_view(reinterpret_cast<const char*>(kTail), 4)}) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(part.data()));
    z.avail_in = static_cast<uInt>(part.size());
    do {  // until inflate leaves output room: then it has taken all it can of `part`
      char out[16384];
      z.next_out = reinterpret_cast<Bytef*>(out);
      z.avail_out = sizeof out;
      int rc = ::inflate(&z, Z_SYNC_FLUSH);
      if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) {
        error_ = "inflate failed";
        return false;
      }
      inflated_.append(out, sizeof out - z.avail_out);
    } while (z.avail_out == 0);
  }
  if (reset_each_message_) inflateReset(&z);
  return true;
}

void FrameReader::keep_rest(std::string_view in, std::size_t used) {
  if (in.data() == partial_.data()) {
    partial_.erase(0, used);
  } else {
    partial_.assign(in.substr(used));
  }
}

}  // namespace gangway::bench
