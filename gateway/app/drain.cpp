#include "gateway/app/drain.hpp"

#include <algorithm>
#include <cmath>

#include "gateway/session/session.hpp"

namespace gangway {

DrainSchedule DrainSchedule::from(const DrainOptions& o, Clock::time_point start, bool quick) {
  using std::chrono::milliseconds;
  DrainSchedule s;
  s.start = start;
  s.exit = start + o.grace - std::chrono::seconds(1);
  s.force = s.exit - milliseconds(500);
  s.refuse = quick ? start : start + o.refuse_after;
  s.closed = quick ? start : std::max(s.refuse, start + o.grace - o.flush);
  return s;
}

double DrainSchedule::share(Clock::time_point now) const {
  if (now >= closed) return 1;
  if (now < refuse) return 0;
  return std::chrono::duration<double>(now - refuse) / (closed - refuse);
}

std::size_t LoopDrain::advance(const std::unordered_set<Session*>& open, double share) {
  if (!started_) {
    order_.assign(open.begin(), open.end());
    started_ = true;
  }
  std::size_t told = 0;
  auto tell = [&](Session* s) {
    if (!s->draining()) {
      s->drain();
      ++told;
    }
  };
  const auto target = share >= 1 ? order_.size()
                                  : std::min(order_.size(), static_cast<std::size_t>(std::ceil(share * order_.size())));
  // A socket in order_ that has closed since is no longer in `open`; a new
  // one at its address, which `open` would hold, is to be closed anyway.
  for (; next_ < target; ++next_)
    if (open.count(order_[next_])) tell(order_[next_]);
  if (share >= 1) {
    std::vector<Session*> rest(open.begin(), open.end());
    for (Session* s : rest) tell(s);
  }
  return told;
}

}  // namespace gangway
