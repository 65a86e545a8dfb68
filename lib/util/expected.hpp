#pragma once
// stash_hook::expected / unexpected: std::expected where the standard library has
// it (g++ 12 with C++23), and a small equivalent otherwise (clang 14, which the
// fuzzers are built with, cannot use libstdc++'s <expected>). Only what the project
// uses is provided.

#include <version>

#if defined(__cpp_lib_expected)
#include <expected>
namespace stash_hook {
using std::expected;
using std::unexpected;
}  // namespace stash_hook
#else
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace stash_hook {

template <typename E>
class unexpected {
  public:
    explicit unexpected(E error) : error_(std::move(error)) {}
    const E& error() const& { return error_; }
    E& error() & { return error_; }
    E&& error() && { return std::move(error_); }

  private:
    E error_;
};
template <typename E>
unexpected(E) -> unexpected<E>;

template <typename T, typename E>
class expected {
  public:
    expected() requires std::is_default_constructible_v<T> : v_(std::in_place_index<0>) {}
    // enable_if, not requires: clang-tidy 14 sees only the former as keeping the copy and
    // move constructors reachable (bugprone-forwarding-reference-overload).
    template <typename U = T,
              typename = std::enable_if_t<!std::is_same_v<std::remove_cvref_t<U>, expected> &&
                                          std::is_constructible_v<T, U&&> > >
    expected(U&& value) : v_(std::in_place_index<0>, std::forward<U>(value)) {}
    template <typename G>
    expected(unexpected<G> u) : v_(std::in_place_index<1>, std::move(u).error()) {}

    bool has_value() const { return v_.index() == 0; }
    explicit operator bool() const { return has_value(); }
    T& operator*() & { return std::get<0>(v_); }
    const T& operator*() const& { return std::get<0>(v_); }
    T&& operator*() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    T& value() & {
        check();
        return std::get<0>(v_);
    }
    const T& value() const& {
        check();
        return std::get<0>(v_);
    }
    T&& value() && {
        check();
        return std::get<0>(std::move(v_));
    }
    template <typename U>
    T value_or(U&& fallback) const& {
        return has_value() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
    }
    const E& error() const& { return std::get<1>(v_); }
    E& error() & { return std::get<1>(v_); }

  private:
    void check() const {
        if (!has_value()) throw std::logic_error("bad expected access");
    }
    std::variant<T, E> v_;
};

template <typename E>
class expected<void, E> {
  public:
    expected() = default;
    template <typename G>
    expected(unexpected<G> u) : error_(std::move(u).error()), ok_(false) {}
    bool has_value() const { return ok_; }
    explicit operator bool() const { return ok_; }
    void value() const {
        if (!ok_) throw std::logic_error("bad expected access");
    }
    const E& error() const& { return error_; }

  private:
    E error_{};
    bool ok_ = true;
};

}  // namespace stash_hook
#endif
