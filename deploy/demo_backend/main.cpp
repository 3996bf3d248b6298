// gangway-demo-backend: stands in for the REST services behind the gateway
// (one per seed). Parses the command line and wires the pieces.
#include <httplib.h>
#include <nats/nats.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include "deploy/demo_backend/circles_api.hpp"
#include "deploy/demo_backend/circles_internal.hpp"
#include "deploy/demo_backend/options.hpp"
#include "deploy/demo_backend/publisher.hpp"
#include "deploy/demo_backend/pythia_api.hpp"
#include "deploy/demo_backend/routes.hpp"
#include "deploy/demo_backend/social_api.hpp"
#include "deploy/demo_backend/social_store.hpp"
#include "deploy/demo_backend/store_workers.hpp"
#include "deploy/demo_backend/tokens.hpp"
#include "deploy/demo_backend/tribe_api.hpp"
#include "deploy/demo_backend/tribe_store.hpp"
#include "deploy/demo_backend/users.hpp"
#include "deploy/demo_backend/winkr_api.hpp"
#include "deploy/demo_backend/winkr_store.hpp"
#include "gateway/core/subject.hpp"

namespace {

constexpr std::size_t kWorkers = 48;

int serve(const demo::Options& o, const sigset_t& stop_signals) {
  std::unique_ptr<demo::NatsPublisher> publisher;
  try {
    publisher = std::make_unique<demo::NatsPublisher>(o.nats_url);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "demo backend: %s\n", e.what());
    return 1;
  }
  demo::Users users;
  demo::Tokens tokens({o.jwt_secret, o.issuer, o.audience});
  demo::TribeStore tribe_store;
  demo::TribeApi tribe(users, tribe_store, tokens, *publisher, gangway::Subjects(o.subject_prefix));
  demo::PythiaStore pythia_store;
  demo::PythiaApi pythia(users, pythia_store, tokens, *publisher, gangway::Subjects(o.subject_prefix));
  demo::WinkrStore winkr_store;
  demo::WinkrApi winkr(users, winkr_store, tokens, *publisher, gangway::Subjects(o.subject_prefix));
  demo::SocialStore social_store;
  demo::SocialApi social(social_store, *publisher, gangway::Subjects(o.subject_prefix));
  demo::CirclesStore circles_store;
  demo::CirclesOutbox circles_outbox(*publisher, gangway::Subjects(o.subject_prefix));
  demo::CirclesApi circles(circles_store, tokens, circles_outbox);
  demo::CirclesInternal circles_internal(circles_store);

  // The REST endpoints' stores, also as NATS request/reply workers for apps
  // configured with persist.<kind>.via "request".
  demo::serve_store_workers(*publisher, o.subject_prefix, winkr, circles, social);

  httplib::Server server;  // declared last: stops serving before what it calls is destroyed
  server.set_tcp_nodelay(true);  // without it, Nagle adds ~40 ms to every reused-connection answer
  // A browser keeps up to six idle keep-alive connections per page, each holding
  // one of httplib's workers (8 by default); the gateway's callouts must not
  // queue behind two pages of the demo.
  server.new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
  demo::add_common_routes(server);
  demo::add_tribe_routes(server, tribe);
  demo::add_pythia_routes(server, pythia);
  demo::add_winkr_routes(server, winkr);
  demo::add_social_routes(server, social);
  demo::add_circles_routes(server, circles, circles_internal);
  if (!o.demo_page_dir.empty() && !demo::add_demo_page(server, o.demo_page_dir)) {
    std::fprintf(stderr, "demo backend: --demo-page %s is not a directory\n", o.demo_page_dir.c_str());
    return 1;
  }

  int port =
      o.port == 0 ? server.bind_to_any_port(o.host) : (server.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port <= 0) {
    std::fprintf(stderr, "demo backend: cannot listen on %s:%d\n", o.host.c_str(), o.port);
    return 1;
  }
  bool v6 = o.host.find(':') != std::string::npos;
  std::printf("demo backend listening on http://%s%s%s:%d\n", v6 ? "[" : "", o.host.c_str(), v6 ? "]" : "",
              port);
  std::fflush(stdout);

  std::atomic<bool> serving{true};
  std::atomic<bool> stop_requested{false};
  std::thread stopper([&] {
    while (serving) {
      timespec tick{0, 100'000'000};
      if (sigtimedwait(&stop_signals, nullptr, &tick) > 0) stop_requested = true;
      // stop() does nothing before the accept loop has started, so keep
      // asking until listen_after_bind() has returned.
      if (stop_requested) server.stop();
    }
  });
  bool ok = server.listen_after_bind();
  serving = false;
  stopper.join();
  if (stop_requested) std::fprintf(stderr, "demo backend: stopped\n");
  return ok || stop_requested ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = demo::parse_options(argc, argv, std::getenv(demo::kJwtSecretEnv));
  if (std::holds_alternative<demo::ShowHelp>(parsed)) {
    std::fputs(demo::usage().c_str(), stdout);
    return 0;
  }
  if (auto* error = std::get_if<std::string>(&parsed)) {
    std::fprintf(stderr, "gangway-demo-backend: %s\n%s", error->c_str(), demo::usage().c_str());
    return 2;
  }

  // Blocked before any thread starts, so every thread (httplib's, nats.c's)
  // inherits the mask and only the stopper thread receives SIGTERM/SIGINT.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hung up is an error code, not a crash

  int rc = serve(std::get<demo::Options>(parsed), stop_signals);
  nats_Close();
  return rc;
}
