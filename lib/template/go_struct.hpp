#pragma once
// Go structs in the template data (man page, TEMPLATES). Stash renders hook templates
// over its Summary struct (stashed/apimachinery, apis/stash/v1beta1: Summary, TargetRef,
// TargetStatus; .Invoker is Kubernetes' core/v1 TypedLocalObjectReference), not over
// maps, and Go treats the two differently. The data here is JSON: an object whose keys
// are exactly the field names of one of the structs below is a value of that struct.
// It prints as fmt's %v prints a struct ({a b}); a field it lacks is an error (a map's
// missing key is <no value>); toJson writes its json tags in field order; len, range and
// index refuse it; it is always true.

#include <string_view>
#include <vector>

#include "template/template.hpp"

namespace stash_hook::tmpl {

struct GoField {
    std::string_view name;
    std::string_view json;  // the name in its json tag
    bool omitempty = true;
    bool alias = false;    // an old stash-hook spelling: read, but never printed or written
    bool nilable = false;  // an interface or pointer: omitempty omits only nil
};

struct GoStruct {
    std::string_view type;  // as %T names it: "v1beta1.TargetStatus"
    std::vector<GoField> fields;
};

/// The struct `v` is a value of, or null for anything else (maps included).
const GoStruct* go_struct(const Value& v);

/// fmt's %v of a struct value: {field field ...}, each as %v prints it.
std::string print_struct(const GoStruct& s, const Value& v);

/// encoding/json's Marshal of a struct value: json tags, field order, omitempty.
void write_struct_json(std::string& out, const GoStruct& s, const Value& v);

}  // namespace stash_hook::tmpl
