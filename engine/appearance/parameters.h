#pragma once
// The appearance model's parameters: a schema (ids, kinds, ranges, defaults, units, the regions
// each acts on, a prior for random sampling) read from resources/appearance/parameters.json, and
// a parameter vector in schema order that the generator, the optimizer, the prompt targets and
// the studio sliders share. The ids are those of docs/attributes.md.
//
// Layout of the vector: a scalar takes one entry; a colour takes three consecutive entries, an
// sRGB-encoded triplet in [0, 1] ("iris.color.r", ".g", ".b"). The generator converts colours to
// linear RGB itself.
#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace likeness::appearance {

/// A hint for sample_prior: which sex markers (beard, makeup) the draw may show.
enum class Sex { Any, Female, Male };

/// Parses "female"/"f"/"woman", "male"/"m"/"man", "any"; InputError naming the word otherwise.
Sex parse_sex(const std::string& word);
/// "female", "male" or "any".
std::string to_string(Sex sex);

/// One parameter of the schema.
struct ParameterSpec {
  enum class Kind { Scalar, Color };
  std::string id;                ///< "skin.melanin", "iris.color"
  Kind kind = Kind::Scalar;
  float min = 0.0f;              ///< range (colours: 0..1 per channel)
  float max = 1.0f;
  std::array<float, 3> default_value{};  ///< scalars use [0]; colours are sRGB-encoded
  std::string unit;              ///< "fraction", "years", "index", "sRGB"
  std::string about;             ///< one line for tooltips and docs
  std::vector<std::string> regions;  ///< regions it acts on (docs/attributes.md names)
  int offset = 0;                ///< first entry in the parameter vector
  int width() const { return kind == Kind::Color ? 3 : 1; }
  bool is_color() const { return kind == Kind::Color; }
};

class AppearanceParams;

/// The parameter schema. Immutable once loaded; shared between parameter vectors.
class AppearanceSchema {
public:
  /// resources/appearance/parameters.json, loaded once per process.
  static std::shared_ptr<const AppearanceSchema> load_default();
  /// A schema from a JSON file; InputError naming the file and the parameter/field at fault.
  static std::shared_ptr<const AppearanceSchema> load(const std::filesystem::path& path);
  /// A schema from JSON text; `source` names it in messages.
  static std::shared_ptr<const AppearanceSchema> parse(const std::string& text, const std::string& source);

  ~AppearanceSchema();

  /// Parameters in order.
  const std::vector<ParameterSpec>& parameters() const { return specs_; }
  /// Parameter ids in order.
  std::vector<std::string> names() const;
  /// One name per vector entry: scalars by id, colours as "id.r", "id.g", "id.b".
  std::vector<std::string> entry_names() const;
  /// Number of vector entries (P).
  int size() const { return size_; }
  bool contains(const std::string& id) const;
  /// Index of a parameter in parameters(); InputError "unknown appearance parameter 'X' (did you
  /// mean ...)" otherwise.
  int index(const std::string& id) const;
  /// The parameter's spec (same errors as index()).
  const ParameterSpec& spec(const std::string& id) const;
  /// Offset of a parameter's first entry in the vector (same errors as index()).
  int offset(const std::string& id) const { return spec(id).offset; }
  /// Per-entry lower and upper bounds, [P] float32 each.
  at::Tensor lower_bounds() const;
  at::Tensor upper_bounds() const;
  /// The default vector [P] float32.
  at::Tensor defaults() const;

  struct Prior;  // parsed sampling rules (parameters.cpp)

private:
  friend class AppearanceParams;
  AppearanceSchema() = default;
  std::vector<ParameterSpec> specs_;
  std::vector<std::unique_ptr<Prior>> priors_;
  int size_ = 0;
};

/// A parameter vector in schema order. `values` is an ordinary float tensor [P]: the optimizer
/// may set requires_grad on it (or on a tensor it builds and wraps with from_tensor).
class AppearanceParams {
public:
  /// The defaults of the default schema.
  AppearanceParams();
  /// The defaults of `schema`.
  explicit AppearanceParams(std::shared_ptr<const AppearanceSchema> schema);
  /// Wraps a [P] float tensor (not copied, autograd history kept). InputError if the size differs.
  static AppearanceParams from_tensor(std::shared_ptr<const AppearanceSchema> schema, const at::Tensor& values);

  const AppearanceSchema& schema() const { return *schema_; }
  const std::shared_ptr<const AppearanceSchema>& schema_ptr() const { return schema_; }

  /// [P] float32 in schema order.
  at::Tensor values;

  /// A scalar's value (InputError if the id is unknown or names a colour).
  float get(const std::string& id) const;
  /// A colour's sRGB triplet (InputError if the id is unknown or names a scalar).
  std::array<float, 3> get_color(const std::string& id) const;
  /// Sets a scalar / a colour (no range check: see validate and clamp). Writes into `values` in
  /// place when it needs no gradient, otherwise replaces `values` by an updated copy.
  void set(const std::string& id, float value);
  void set_color(const std::string& id, const std::array<float, 3>& srgb);

  /// Throws InputError naming the first parameter that is not finite or out of its range
  /// ("appearance parameter 'skin.age' = 120 is out of range 5..95"); `source` prefixes it.
  void validate(const std::string& source = "") const;
  /// A copy with every entry clamped into its range (non-finite entries take the default).
  AppearanceParams clamped() const;
  /// A detached deep copy.
  AppearanceParams clone() const;

  /// A random plausible appearance from the schema's prior, deterministic for (seed, sex). With
  /// Sex::Any the sex is itself drawn (even odds) from the seed.
  static AppearanceParams sample_prior(std::uint64_t seed, Sex sex = Sex::Any,
                                       std::shared_ptr<const AppearanceSchema> schema = nullptr);
  /// The sex that sample_prior(seed, Sex::Any) draws.
  static Sex sampled_sex(std::uint64_t seed);

  /// {"skin.melanin": 0.25, ..., "iris.color": [r, g, b]}: every parameter, colours as sRGB arrays.
  nlohmann::json to_json() const;
  /// Parses an object of the same form; colours may also be "#rrggbb". Missing parameters take
  /// their defaults; unknown ids, wrong types and out-of-range values throw InputError naming
  /// `source` and the parameter.
  static AppearanceParams from_json(const nlohmann::json& object, const std::string& source = "appearance",
                                    std::shared_ptr<const AppearanceSchema> schema = nullptr);

private:
  std::shared_ptr<const AppearanceSchema> schema_;
};

/// "#rrggbb" of an sRGB triplet (channels rounded to 8 bits, clamped).
std::string to_hex(const std::array<float, 3>& srgb);
/// Parses "#rrggbb" or "rrggbb"; nullopt if malformed.
std::optional<std::array<float, 3>> parse_hex(const std::string& text);

}  // namespace likeness::appearance
