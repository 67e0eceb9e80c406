#include "binding/args.h"

#include <cmath>

namespace binding {

Napi::Object Arg::Object() const {
  if (!value_.IsObject() || value_.IsArray()) Invalid("an object");
  return value_.As<Napi::Object>();
}

Napi::Array Arg::Array() const {
  if (!value_.IsArray()) Invalid("an array");
  return value_.As<Napi::Array>();
}

std::string Arg::String() const {
  if (!value_.IsString()) Invalid("a string");
  return value_.As<Napi::String>().Utf8Value();
}

double Arg::Number() const {
  if (!value_.IsNumber()) Invalid("a number");
  return value_.As<Napi::Number>().DoubleValue();
}

int64_t Arg::Integer(int64_t min, int64_t max) const {
  const double number = value_.IsNumber() ? value_.As<Napi::Number>().DoubleValue() : std::nan("");
  if (!(number >= static_cast<double>(min) && number <= static_cast<double>(max)) || number != std::trunc(number)) {
    Invalid("an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return static_cast<int64_t>(number);
}

bool Arg::Boolean() const {
  if (!value_.IsBoolean()) Invalid("a boolean");
  return value_.As<Napi::Boolean>().Value();
}

std::vector<double> Arg::Numbers() const {
  if (!value_.IsArray()) Invalid("an array of numbers");
  const Napi::Array array = value_.As<Napi::Array>();
  std::vector<double> numbers;
  numbers.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) numbers.push_back(Item(i).Number());
  return numbers;
}

}  // namespace binding
