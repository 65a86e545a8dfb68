// stash-hook-demo-endpoint PORT_FILE LOG_FILE
// Listens on 127.0.0.1 (a free port, written to PORT_FILE), answers every GET and
// POST with 200, appends "METHOD TARGET BODY" per request to LOG_FILE, and exits
// cleanly on SIGTERM or SIGINT.

#include <httplib.h>
#include <signal.h>

#include <fstream>
#include <iostream>
#include <thread>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: stash-hook-demo-endpoint PORT_FILE LOG_FILE\n";
        return 2;
    }
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);

    httplib::Server server;
    const std::string log_path = argv[2];
    auto answer = [&](const httplib::Request& req, httplib::Response& res) {
        std::ofstream(log_path, std::ios::app)
            << req.method << " " << req.target << (req.body.empty() ? "" : " " + req.body) << "\n";
        res.set_content("ok\n", "text/plain");
    };
    server.Get(".*", answer);
    server.Post(".*", answer);
    const int port = server.bind_to_any_port("127.0.0.1");
    if (port <= 0) {
        std::cerr << "stash-hook-demo-endpoint: failed to bind 127.0.0.1\n";
        return 1;
    }
    std::thread stopper([&] {
        int sig = 0;
        sigwait(&stop, &sig);
        server.stop();
    });
    stopper.detach();
    {
        std::ofstream tmp(std::string(argv[1]) + ".tmp");
        tmp << port << "\n";
    }
    std::rename((std::string(argv[1]) + ".tmp").c_str(), argv[1]);
    server.listen_after_bind();
    return 0;
}
