"""Ruby and PHP: parsing inline sources with the real grammars, load-path / PSR-4 import resolution."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.config import Settings
from analyzer.domain import ImportRef, ParsedFile, RepoIndex, SourceFile
from analyzer.static.languages import php, ruby
from analyzer.static.parse import parse_file
from analyzer.static.resolve import resolve_dependencies


def _parse(language: str, source: bytes, path: str) -> ParsedFile:
    return parse_file(SourceFile(path, language, len(source), "0" * 64), source)


# --- parsing: imports, both languages ---------------------------------------


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        ("ruby", b"require 'json'\n", [("json", (), "require")]),
        ("ruby", b'require "active_support/core_ext"\n', [("active_support/core_ext", (), "require")]),
        ("ruby", b"require_relative '../lib/shop'\n", [("../lib/shop", (), "require_relative")]),
        ("ruby", b"require_relative('item')\n", [("item", (), "require_relative")]),
        ("ruby", b"load 'tasks/setup.rb'\n", [("tasks/setup.rb", (), "require")]),
        # built at run time: kept, to be listed as unresolved; a call with a receiver is not a load
        ("ruby", b'require "plugins/#{name}"\n', [('"plugins/#{name}"', (), "computed")]),
        ("ruby", b"Bundler.require(:default)\nrequire name\n", [("name", (), "computed")]),
        # the idioms that name a file next to this one (relative to its directory)
        (
            "ruby",
            b'require File.expand_path("../config/environment", __dir__)\n',
            [("../config/environment", (), "require_relative")],
        ),
        ("ruby", b'require File.expand_path("../lib/x", __FILE__)\n', [("./lib/x", (), "require_relative")]),
        ("ruby", b'require File.join(File.dirname(__FILE__), "lib", "b")\n', [("./lib/b", (), "require_relative")]),
        ("ruby", b'require File.dirname(__FILE__) + "/../lib/c"\n', [("../lib/c", (), "require_relative")]),
        ("ruby", b'require "#{File.dirname(__FILE__)}/lib/d"\n', [("./lib/d", (), "require_relative")]),
        ("ruby", b'require "#{__dir__}/e"\n', [("./e", (), "require_relative")]),
        (
            "ruby",
            b'require File.expand_path("../x", some_dir)\n',
            [('File.expand_path("../x", some_dir)', (), "computed")],
        ),
        ("ruby", b"def setup\n  require 'yaml'\nend\n", [("yaml", (), "require")]),
        # autoload: a require on first use (rack.rb); ActiveSupport::Autoload's form names the path
        # through the module nesting, autoload_under and autoload_at (active_record.rb, connection_adapters.rb)
        (
            "ruby",
            b'module Rack\n  autoload :Builder, "rack/builder"\n  autoload(:Lint, "rack/lint")\nend\n',
            [("rack/builder", (), "require"), ("rack/lint", (), "require")],
        ),
        (
            "ruby",
            b"module ActiveRecord\n  autoload :Base\n  autoload :SchemaMigration\n  module Scoping\n"
            b"    eager_autoload do\n      autoload :Named\n    end\n  end\nend\n",
            [
                ("active_record/base", (), "require"),
                ("active_record/schema_migration", (), "require"),
                ("active_record/scoping/named", (), "require"),
            ],
        ),
        (
            "ruby",
            b"module ActiveRecord\n  module ConnectionAdapters\n    autoload_under 'abstract' do\n"
            b"      autoload :Quoting\n    end\n    autoload_at 'active_record/x/defs' do\n"
            b"      autoload :IndexDefinition\n    end\n  end\nend\n",
            [
                ("active_record/connection_adapters/abstract/quoting", (), "require"),
                ("active_record/x/defs", (), "require"),
            ],
        ),
        (
            "ruby",
            b"class Foo::HTTPClient\n  autoload :JSONParser\nend\n",
            [("foo/http_client/json_parser", (), "require")],
        ),
        (
            "ruby",
            b'autoload :Helper, File.expand_path("helper", __dir__)\nautoload :X, path\nautoload name\n',
            [("./helper", (), "require_relative"), ("path", (), "computed")],
        ),
        # Rails: a controller's `helper :queries` mixes in QueriesHelper (Redmine's controllers, 75 of them);
        # a constant argument is a reference, `helper.x` / `helper = x` are not declarations
        (
            "ruby",
            b'class IssuesController < ApplicationController\n  helper :journals\n  helper :queries, "admin/users"\n'
            b"  helper Redmine::MenuHelper\n  def x; helper.foo; helper = 3; end\nend\n",
            [("journals_helper", (), "helper"), ("admin/users_helper", (), "helper"), ("queries_helper", (), "helper")],
        ),
        ("php", b"<?php\nuse App\\Models\\User;\n", [("App\\Models\\User", (), "use")]),
        ("php", b"<?php\nuse \\App\\Models\\User as U;\n", [("App\\Models\\User", (), "use")]),
        (
            "php",
            b"<?php\nuse App\\Models\\{User, Post as P, Sub\\Tag};\n",
            [("App\\Models", ("Post", "Sub\\Tag", "User"), "use")],
        ),
        ("php", b"<?php\nuse function App\\Support\\format_money;\n", [("App\\Support\\format_money", (), "use")]),
        ("php", b"<?php\nuse const App\\Support\\LIMIT;\n", [("App\\Support\\LIMIT", (), "use")]),
        (
            "php",
            b"<?php\nuse Exception, Psr\\Log\\LoggerInterface;\n",
            [("Exception", (), "use"), ("Psr\\Log\\LoggerInterface", (), "use")],
        ),
        ("php", b"<?php\nrequire 'config.php';\n", [("config.php", (), "require")]),
        ("php", b'<?php\ninclude_once("lib/util.php");\n', [("lib/util.php", (), "require")]),
        ("php", b"<?php\nrequire_once __DIR__ . '/../bootstrap.php';\n", [("__DIR__/../bootstrap.php", (), "require")]),
        ("php", b'<?php\ninclude(__DIR__ . "/views/home.php");\n', [("__DIR__/views/home.php", (), "require")]),
        # a path interpolated, held in a variable or built from one is kept (and listed as unresolved)
        (
            "php",
            b'<?php\nrequire "views/{$page}.php";\nrequire $file;\n',
            [("views/{$page}.php", (), "dynamic"), ("$file", (), "dynamic")],
        ),
        ("php", b"<?php\ninclude_once $base . '/lib/x.php';\n", [("$base . '/lib/x.php'", (), "dynamic")]),
        # the pre-5.3 idiom and its relatives: dirname() of __FILE__ / __DIR__, with levels
        ("php", b"<?php\nrequire_once dirname(__FILE__) . '/lib/a.php';\n", [("__DIR__/lib/a.php", (), "require")]),
        ("php", b"<?php\nrequire dirname(__DIR__, 2) . '/b.php';\n", [("__DIR__/../../b.php", (), "require")]),
        ("php", b'<?php\ninclude(dirname(dirname(__FILE__)) . "/c.php");\n', [("__DIR__/../c.php", (), "require")]),
        ("php", b"<?php\ninclude_once dirname(__FILE__, 3) . '/d.php';\n", [("__DIR__/../../d.php", (), "require")]),
        # a dirname() of anything else is not relative to the file: taken as written (include path)
        ("php", b"<?php\nrequire dirname($root) . '/e.php';\n", [("/e.php", (), "require")]),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 12 else None,
)
def test_imports_are_captured(language, source, expected):
    path = "app/x.rb" if language == "ruby" else "src/x.php"
    parsed = _parse(language, source, path)
    assert [(i.module, i.names, i.kind) for i in parsed.imports] == expected
    assert parsed.diagnostics == ()


# --- parsing: definitions and references ------------------------------------

RUBY = b"""\
require 'json'

def helper(x)
  x
end

module Shop
  class Order < Base::Model
    include Comparable
    extend Forwardable
    prepend Audited
    MAX_ITEMS = 50

    def self.build(attrs)
      new(attrs)
    end

    def total
      items.sum(&:price) + Tax.rate(Config::DEFAULT)
    rescue Errors::Broken, KeyError
      raise PricingError, 'no total'
    end
  end
end
"""

PHP = b"""\
<?php
namespace App\\Billing;

interface Payable {}
trait Loggable { public function log(): void {} }
enum Status: string { case Open = 'open'; }
const VERSION = '1.0';
function helper(Money $m): int { return strlen('x'); }

final class Invoice extends \\App\\Base\\Model implements Payable, \\Countable
{
    use Loggable;
    public const LIMIT = 3;

    public function total(?Customer $c): Money
    {
        $line = new LineItem();
        $line->amount();
        $c?->discount();
        Money::zero();
        if ($c instanceof Vip) {}
        return Currency::EUR;
    }
}
"""


@pytest.mark.parametrize(
    ("language", "source", "path", "namespace", "expected"),
    [
        (
            "ruby",
            RUBY,
            "lib/shop/order.rb",
            "Shop",
            {
                ("helper", "function", ""),
                ("Shop", "module", ""),
                ("Order", "class", ""),
                ("MAX_ITEMS", "constant", "Order"),
                ("build", "method", "Order"),
                ("total", "method", "Order"),
            },
        ),
        (
            "php",
            PHP,
            "src/Invoice.php",
            "App\\Billing",
            {
                ("App\\Billing", "module", ""),
                ("Payable", "interface", ""),
                ("Loggable", "trait", ""),
                ("log", "method", "Loggable"),
                ("Status", "enum", ""),
                ("VERSION", "constant", ""),
                ("helper", "function", ""),
                ("Invoice", "class", ""),
                ("LIMIT", "constant", "Invoice"),
                ("total", "method", "Invoice"),
            },
        ),
    ],
    ids=["ruby", "php"],
)
def test_definitions(language, source, path, namespace, expected):
    parsed = _parse(language, source, path)
    assert {(s.name, s.kind, s.parent) for s in parsed.symbols} == expected
    assert parsed.namespace == namespace
    assert parsed.diagnostics == ()


@pytest.mark.parametrize(
    ("language", "name", "kind"),
    [
        ("ruby", "Model", "inherit"),
        ("ruby", "Comparable", "inherit"),
        ("ruby", "Forwardable", "inherit"),
        ("ruby", "Audited", "inherit"),
        ("ruby", "new", "call"),
        ("ruby", "Tax", "call"),
        ("ruby", "rate", "call"),
        ("ruby", "DEFAULT", "type"),
        ("ruby", "Broken", "type"),
        ("ruby", "KeyError", "type"),
        ("ruby", "PricingError", "type"),
        ("php", "Model", "inherit"),
        ("php", "Payable", "inherit"),
        ("php", "Countable", "inherit"),
        ("php", "Loggable", "inherit"),
        ("php", "strlen", "call"),
        ("php", "LineItem", "call"),
        ("php", "amount", "call"),
        ("php", "discount", "call"),
        ("php", "zero", "call"),
        ("php", "Money", "type"),
        ("php", "Customer", "type"),
        ("php", "Vip", "type"),
        ("php", "Currency", "type"),
    ],
)
def test_references(language, name, kind):
    source, path = (RUBY, "lib/shop/order.rb") if language == "ruby" else (PHP, "src/Invoice.php")
    refs = {(r.name, r.kind) for r in _parse(language, source, path).references}
    assert (name, kind) in refs


def test_ruby_calls_link_only_where_the_receiver_names_a_module():
    """`items.sum` (and `x.wrap`): the receiver's class is unknown, so `sum` names no module and is no
    reference; `new(attrs)` (self), `self.audit`, `Tax.rate` and `Config::Store.fetch` are."""
    source = RUBY + b"class Cart\n  def f(x) = self.audit && x.wrap && Config::Store.fetch\nend\n"
    calls = {r.name for r in _parse("ruby", source, "lib/shop/order.rb").references if r.kind == "call"}
    assert {"new", "audit", "rate", "fetch"} <= calls
    assert not calls & {"sum", "wrap"}


def test_ruby_mixins_are_inheritance_not_calls():
    refs = {(r.name, r.kind) for r in _parse("ruby", RUBY, "lib/shop/order.rb").references}
    assert ("Comparable", "type") not in refs and ("Comparable", "call") not in refs


# --- Ruby resolution --------------------------------------------------------

RUBY_TREE = frozenset(
    {
        "lib/shop.rb",
        "lib/shop/order.rb",
        "lib/shop/item.rb",
        "lib/tasks/setup.rb",
        "lib/tasks/db.rake",
        "app/models/user.rb",
        "app/services/signup.rb",
        "config/application.rb",
        "app/helpers/queries_helper.rb",
        "gems/pay/lib/pay.rb",
        "gems/pay/lib/shop.rb",
        "gems/pay/test/pay_test.rb",
        "spec/order_spec.rb",
        "Rakefile",
    }
)


def _ruby_index(files: frozenset[str] = RUBY_TREE) -> RepoIndex:
    return RepoIndex(files=files, config={"ruby": ruby.load_config(Path("/nonexistent"), files)})


def test_ruby_load_path_has_root_lib_and_rails_app_dirs():
    (roots_key, roots), (key, dirs) = ruby.load_config(Path("/nonexistent"), RUBY_TREE)
    assert key == "load_paths"
    assert dirs == ("", "app/helpers", "app/models", "app/services", "gems/pay/lib", "lib")
    assert roots_key == "autoload_roots" and roots == (
        "app/helpers",
        "app/models",
        "app/services",
        "lib",
    )  # lib/ beside app/


@pytest.mark.parametrize(
    ("importer", "module", "kind", "targets"),
    [
        ("lib/shop/order.rb", "item", "require_relative", ("lib/shop/item.rb",)),
        ("lib/shop/order.rb", "item.rb", "require_relative", ("lib/shop/item.rb",)),
        ("lib/shop/order.rb", "../shop", "require_relative", ("lib/shop.rb",)),
        ("spec/order_spec.rb", "../lib/shop/order", "require_relative", ("lib/shop/order.rb",)),
        ("Rakefile", "lib/tasks/setup", "require_relative", ("lib/tasks/setup.rb",)),
        ("spec/order_spec.rb", "shop/order", "require", ("lib/shop/order.rb",)),
        ("spec/order_spec.rb", "shop", "require", ("lib/shop.rb",)),
        ("app/services/signup.rb", "user", "require", ("app/models/user.rb",)),
        ("Rakefile", "config/application", "require", ("config/application.rb",)),
        ("Rakefile", "tasks/setup.rb", "require", ("lib/tasks/setup.rb",)),
        # `load "tasks/db.rake"` names the .rake file itself (activerecord's railtie.rb)
        ("Rakefile", "tasks/db.rake", "require", ("lib/tasks/db.rake",)),
        # in a monorepo the importer's own gem wins
        ("gems/pay/test/pay_test.rb", "shop", "require", ("gems/pay/lib/shop.rb",)),
        ("gems/pay/test/pay_test.rb", "pay", "require", ("gems/pay/lib/pay.rb",)),
        # Rails `helper :queries`
        ("app/services/signup.rb", "queries_helper", "helper", ("app/helpers/queries_helper.rb",)),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_ruby_resolves_to_files(importer, module, kind, targets):
    result = ruby.resolve_import(ImportRef(importer, module, (), 1, kind), _ruby_index())
    assert (result.targets, result.external, result.unresolved) == (targets, "", "")


@pytest.mark.parametrize(
    ("importer", "module", "kind", "external", "unresolved"),
    [
        ("lib/shop.rb", "json", "require", "json", ""),
        ("lib/shop.rb", "active_support/core_ext/string", "require", "active_support", ""),
        ("lib/shop.rb", "net/ldap/dn", "require", "net/ldap", ""),
        ("lib/shop.rb", "net/http.rb", "require", "net/http", ""),
        ("lib/shop.rb", "missing", "require_relative", "", "matches no file"),
        ("lib/shop.rb", "../../outside", "require_relative", "", "beyond the repository root"),
        # a helper no file defines is not a gem named `sort_helper`
        ("app/services/signup.rb", "sort_helper", "helper", "", "Rails helper matches no file"),
    ],
)
def test_ruby_gems_and_unresolved(importer, module, kind, external, unresolved):
    result = ruby.resolve_import(ImportRef(importer, module, (), 1, kind), _ruby_index())
    assert result.targets == () and result.external == external
    assert unresolved in result.unresolved and bool(result.unresolved) == bool(unresolved)


# --- PHP resolution ---------------------------------------------------------

PHP_FILES = {
    "src/Models/User.php": "App\\Models",
    "src/Models/Post.php": "App\\Models",
    "src/Http/Kernel.php": "App\\Http",
    "src/Support/helpers.php": "App\\Support",
    "legacy/classes.php": "Legacy",
    "packages/pay/src/Gateway.php": "Acme\\Pay",
    "packages/pay/src/Gateways/Stripe/Client.php": "Acme\\Pay\\Gateways\\Stripe",
    "legacy/Mail/Transport/Smtp.php": "Legacy\\Mail\\Transport",
    "bootstrap.php": "",
    "public/index.php": "",
    "config/app.php": "",
}


def _php_index(tmp_path: Path) -> RepoIndex:
    (tmp_path / "composer.json").write_text(
        json.dumps(
            {
                "autoload": {"psr-4": {"App\\": "src/"}},
                "autoload-dev": {"psr-4": {"App\\Tests\\": ["tests/", "tests-extra/"]}},
            }
        )
    )
    (tmp_path / "packages/pay").mkdir(parents=True)
    (tmp_path / "packages/pay/composer.json").write_text(json.dumps({"autoload": {"psr-4": {"Acme\\Pay\\": "src"}}}))
    (tmp_path / "vendor/x").mkdir(parents=True)  # vendored manifests are ignored
    (tmp_path / "vendor/x/composer.json").write_text(json.dumps({"autoload": {"psr-4": {"X\\": "src/"}}}))
    files = frozenset(PHP_FILES)
    namespaces: dict[str, tuple[str, ...]] = {}
    for path, ns in sorted(PHP_FILES.items()):
        if ns:
            namespaces[ns] = namespaces.get(ns, ()) + (path,)
    defined = {
        "src/Support/helpers.php": frozenset({"format_money", "LIMIT"}),
        "legacy/classes.php": frozenset({"OldMailer", "OldQueue"}),
        "bootstrap.php": frozenset({"GlobalThing"}),
        "src/Models/User.php": frozenset({"User"}),
        "src/Models/Post.php": frozenset({"Post"}),
    }
    return RepoIndex(
        files=files,
        namespaces=namespaces,
        defined=defined,
        referenced={"src/Http/Kernel.php": frozenset({"Post"})},
        config={"php": php.load_config(tmp_path, files)},
    )


def test_php_psr4_map_reads_every_composer_json(tmp_path):
    assert _php_index(tmp_path).config["php"] == (
        ("Acme\\Pay\\", ("packages/pay/src",)),
        ("App\\", ("src",)),
        ("App\\Tests\\", ("tests", "tests-extra")),
    )


def test_php_malformed_composer_json_is_skipped(tmp_path):
    (tmp_path / "composer.json").write_text("{ not json")
    assert php.load_config(tmp_path, frozenset()) == ()


@pytest.mark.parametrize(
    ("importer", "module", "names", "kind", "targets"),
    [
        ("src/Http/Kernel.php", "App\\Models\\User", (), "use", ("src/Models/User.php",)),
        ("src/Http/Kernel.php", "App\\Models", ("Post", "User"), "use", ("src/Models/Post.php", "src/Models/User.php")),
        ("bootstrap.php", "Acme\\Pay\\Gateway", (), "use", ("packages/pay/src/Gateway.php",)),
        # not PSR-4 files: the file declaring the namespace that defines the name
        ("src/Http/Kernel.php", "App\\Support\\format_money", (), "use", ("src/Support/helpers.php",)),
        ("src/Http/Kernel.php", "Legacy\\OldMailer", (), "use", ("legacy/classes.php",)),
        ("src/Http/Kernel.php", "GlobalThing", (), "use", ("bootstrap.php",)),
        # a namespace imported as a whole, narrowed to what the importer uses
        ("src/Http/Kernel.php", "App\\Models", (), "use", ("src/Models/Post.php",)),
        # require / include
        ("public/index.php", "__DIR__/../bootstrap.php", (), "require", ("bootstrap.php",)),
        ("public/index.php", "../config/app.php", (), "require", ("config/app.php",)),
        ("public/index.php", "config/app.php", (), "require", ("config/app.php",)),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_php_resolves_to_files(tmp_path, importer, module, names, kind, targets):
    result = php.resolve_import(ImportRef(importer, module, names, 1, kind), _php_index(tmp_path))
    assert (result.targets, result.external, result.unresolved) == (targets, "", "")


@pytest.mark.parametrize(
    ("module", "kind", "external", "unresolved"),
    [
        ("Symfony\\Component\\Console\\Command", "use", "Symfony", ""),
        ("Psr\\Log\\LoggerInterface", "use", "Psr", ""),
        ("DateTimeImmutable", "use", "php", ""),
        ("App\\Models\\Missing", "use", "", "use matches no file"),
        ("Acme\\Pay\\Nope", "use", "", "use matches no file"),
        # a missing class where the repository holds the namespace's directory (PSR-4, or below a declared one)
        ("Legacy\\Mail\\Missing", "use", "", "use matches no file"),
        ("Acme\\Pay\\Gateways\\Nope", "use", "", "use matches no file"),
        # another package under the repository's vendor prefix: no directory holds its namespace
        ("App\\Billing\\Invoice", "use", "App", ""),
        ("Acme\\Mail\\Mailer", "use", "Acme", ""),
        ("Legacy\\Queue\\Job", "use", "Legacy", ""),
        ("__DIR__/missing.php", "require", "", "include matches no file"),
        ("__DIR__/../../../etc/passwd.php", "require", "", "beyond the repository root"),
        ("views/{$page}.php", "dynamic", "", "built at run time"),
    ],
)
def test_php_externals_and_unresolved(tmp_path, module, kind, external, unresolved):
    result = php.resolve_import(ImportRef("public/index.php", module, (), 1, kind), _php_index(tmp_path))
    assert result.targets == () and result.external == external
    assert unresolved in result.unresolved and bool(result.unresolved) == bool(unresolved)


# --- symbol edges: PHP namespace visibility, Ruby requires -----------------------


@pytest.mark.parametrize(
    ("language", "sources", "expected"),
    [
        (
            "php",
            {
                "src/A.php": b"<?php\nnamespace App;\nclass A extends B { public function f(): C { return new C(); } }\n",
                "src/B.php": b"<?php\nnamespace App;\nabstract class B {}\n",
                "src/C.php": b"<?php\nnamespace App;\nclass C {}\n",
                "src/Other/C.php": b"<?php\nnamespace App\\Other;\nclass C {}\n",
            },
            {("src/A.php", "src/B.php", "inherit"), ("src/A.php", "src/C.php", "call")},
        ),
        (
            "ruby",
            {
                "lib/a.rb": b"require_relative 'b'\nclass A < B\n  include C\n  def f = B.make\nend\n",
                "lib/b.rb": b"module C; end\nclass B\n  def self.make; end\nend\n",
                "lib/c.rb": b"class C; end\n",
            },
            {("lib/a.rb", "lib/b.rb", "import"), ("lib/a.rb", "lib/b.rb", "inherit"), ("lib/a.rb", "lib/b.rb", "call")},
        ),
    ],
    ids=["php-same-namespace", "ruby-required-file"],
)
def test_symbol_edges(tmp_path, language, sources, expected):
    parsed = [_parse(language, text, path) for path, text in sources.items()]
    resolution = resolve_dependencies(parsed, Settings(root=tmp_path, use_cache=False))
    assert {(d.source, d.target, d.kind) for d in resolution.dependencies} == expected


def test_ruby_a_module_the_file_opens_itself_links_nowhere_else(tmp_path):
    """`module Shop` in both files is one module reopened: a.rb's `Shop` is its own, not b.rb's; a
    name a.rb does not open (`Order`) and a superclass of its own name (`::Cart < Cart`) still link."""
    sources = {
        "lib/a.rb": b"require_relative 'b'\nmodule Shop\n  class Cart < ::Cart\n"
        b"    def f = Shop.config && Order.new\n  end\nend\n",
        "lib/b.rb": b"module Shop\n  def self.config; end\n  class Order; end\nend\nclass Cart; end\n",
    }
    parsed = [_parse("ruby", text, path) for path, text in sources.items()]
    deps = resolve_dependencies(parsed, Settings(root=tmp_path, use_cache=False)).dependencies
    symbols = {(d.target, d.kind): d.symbols for d in deps if d.source == "lib/a.rb"}
    assert symbols[("lib/b.rb", "inherit")] == ("Cart",)
    assert "Shop" not in symbols[("lib/b.rb", "call")]
    assert {"Order", "config"} <= set(symbols[("lib/b.rb", "call")])


def test_ruby_autoload_links_constants_to_the_files_named_after_them():
    files = frozenset(
        {
            "app/models/user.rb",
            "app/services/html_parser.rb",
            "app/models/concerns/trackable.rb",
            "lib/helpers.rb",
            "app/models/report.rb",
        }
    )
    index = RepoIndex(
        files=files,
        config={"ruby": ruby.load_config(Path("/nonexistent"), files)},
        defined={
            "app/models/user.rb": frozenset({"User", "full_name"}),
            "app/services/html_parser.rb": frozenset({"HTMLParser", "parse"}),
            "app/models/concerns/trackable.rb": frozenset({"Trackable"}),
            "lib/helpers.rb": frozenset({"Helpers"}),
            "app/models/report.rb": frozenset({"Summary"}),
        },
    )
    names = frozenset({"User", "HTMLParser", "Trackable", "Helpers", "Report", "Summary", "parse", "full_name"})
    assert ruby.autoload_links("app/controllers/x.rb", names, index) == {
        "app/models/user.rb": frozenset({"User"}),
        "app/services/html_parser.rb": frozenset({"HTMLParser"}),  # acronym: matched without case
        "app/models/concerns/trackable.rb": frozenset({"Trackable"}),
        "lib/helpers.rb": frozenset({"Helpers"}),  # the app's lib/ is autoloaded
    }  # report.rb does not define Report; lower-case names are methods
    assert "app/models/user.rb" not in ruby.autoload_links("app/models/user.rb", names, index)
    plain = frozenset({"lib/shop.rb", "lib/shop/order.rb"})  # a gem: no autoload roots, no links
    assert (
        ruby.autoload_links(
            "lib/shop.rb",
            frozenset({"Order"}),
            RepoIndex(
                files=plain,
                config={"ruby": ruby.load_config(Path("/nonexistent"), plain)},
                defined={"lib/shop/order.rb": frozenset({"Order"})},
            ),
        )
        == {}
    )


def test_ruby_autoload_links_follow_the_namespace_the_path_names(tmp_path):
    """lib/redmine/scm/base.rb is Redmine::Scm::Base: `ActiveRecord::Base` (Redmine 5's migrations) and a bare
    `Base` outside `module Scm` do not reach it; `Scm::Base`, `::Redmine::Scm::Base` and `Base` inside do."""
    sources = {
        "app/models/user.rb": b"class User < ActiveRecord::Base\n  def f; ::I18n.t(:x); end\nend\n",
        "app/models/repo.rb": b"class Repo < Redmine::Scm::Base\n  include ::Redmine::I18n\nend\n",
        "app/models/wiki.rb": b"class Wiki < ::Base\nend\n",
        "app/models/store.rb": b"class Store < ActiveRecord::Base\n  def f; Redmine::Scm::Base.all; end\nend\n",
        "db/migrate/001_setup.rb": b"class Setup < ActiveRecord::Migration[5.2]\n  Base = 1\nend\n",
        "lib/redmine/scm/base.rb": b"module Redmine\n  module Scm\n    class Base\n    end\n  end\nend\n",
        "lib/redmine/scm/git.rb": b"module Redmine\n  module Scm\n    class Git < Base\n    end\n  end\nend\n",
        "lib/redmine/scm/svn.rb": b"module Redmine\n  class Svn < Scm::Base\n  end\nend\n",
        "lib/redmine/i18n.rb": b"module Redmine\n  module I18n\n  end\nend\n",
        "lib/redmine/menu.rb": b"module Redmine\n  class Menu\n    include I18n\n  end\nend\n",
    }
    parsed = [_parse("ruby", text, path) for path, text in sources.items()]
    resolution = resolve_dependencies(parsed, Settings(root=tmp_path, use_cache=False))
    edges = {(d.source, d.target) for d in resolution.dependencies}
    assert {t for s, t in edges if t.startswith("lib/redmine/")} == {"lib/redmine/scm/base.rb", "lib/redmine/i18n.rb"}
    assert {s for s, t in edges if t == "lib/redmine/scm/base.rb"} == {
        "app/models/repo.rb",
        "app/models/store.rb",
        "lib/redmine/scm/git.rb",
        "lib/redmine/scm/svn.rb",
    }
    # Store uses Redmine::Scm::Base, and inherits from ActiveRecord::Base: a use, not inheritance
    assert [
        (d.kind, d.symbols)
        for d in resolution.dependencies
        if (d.source, d.target) == ("app/models/store.rb", "lib/redmine/scm/base.rb")
    ] == [("call", ("Base",))]
    assert {s for s, t in edges if t == "lib/redmine/i18n.rb"} == {"app/models/repo.rb", "lib/redmine/menu.rb"}
    inherit = {
        (d.target, d.symbols)
        for d in resolution.dependencies
        if d.source == "app/models/repo.rb" and d.kind == "inherit"
    }
    assert inherit == {("lib/redmine/scm/base.rb", ("Base",)), ("lib/redmine/i18n.rb", ("I18n",))}


def test_ruby_require_next_to_the_file_idioms_link_files(tmp_path):
    """The pre-require_relative idioms resolve like require_relative; a name built at run time is listed."""
    files = {
        "app/boot.rb": (
            'require File.expand_path("../../lib/shop", __FILE__)\n'
            'require File.join(File.dirname(__FILE__), "config")\n'
            'require "#{__dir__}/../lib/cart"\n'
            "require \"plugins/#{ENV['PLUGIN']}\"\n"
        ),
        "app/config.rb": "",
        "lib/shop.rb": "",
        "lib/cart.rb": "",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    from analyzer.pipeline import analyze_static

    static = analyze_static(Settings(root=tmp_path, use_cache=False, jobs=1, use_git_history=False))
    assert {(d.target, d.line) for d in static.resolution.dependencies if d.kind == "import"} == {
        ("lib/shop.rb", 1),
        ("app/config.rb", 2),
        ("lib/cart.rb", 3),
    }
    assert [(u.module, u.reason) for u in static.resolution.unresolved] == [
        ("\"plugins/#{ENV['PLUGIN']}\"", "module name built at run time")
    ]


def test_php_use_of_own_class_and_of_a_sibling_package(tmp_path):
    """A later namespace block using the file's own class is resolved (no edge, not unresolved);
    a use under the repository's vendor prefix that no directory holds is an external package
    (symfony/console's `use Symfony\\Component\\Process\\Process`, guzzle's psr7 StreamTest.php)."""
    sources = {
        "Command/Command.php": b"<?php\nnamespace Symfony\\Component\\Console\\Command;\n"
        b"use Symfony\\Component\\Console\\Helper\\Helper;\n"
        b"use Symfony\\Component\\Process\\Process;\n"
        b"use Symfony\\Component\\Console\\Helper\\Missing;\n"
        b"class Command { public function run(Helper $h, Process $p) {} }\n",
        "Helper/Helper.php": b"<?php\nnamespace Symfony\\Component\\Console\\Helper;\nclass Helper {}\n",
        "tests/StreamTest.php": b"<?php\nnamespace App\\Tests {\n"
        b"    class StreamTest { public static $flag = false; }\n}\n"
        b"namespace App {\n    use App\\Tests\\StreamTest;\n"
        b"    function fread() { return StreamTest::$flag; }\n}\n",
    }
    parsed = [_parse("php", text, path) for path, text in sources.items()]
    resolution = resolve_dependencies(parsed, Settings(root=tmp_path, use_cache=False))
    assert {(d.source, d.target, d.kind) for d in resolution.dependencies} == {
        ("Command/Command.php", "Helper/Helper.php", "import"),
        ("Command/Command.php", "Helper/Helper.php", "call"),
    }
    assert [(e.source, e.package, e.module) for e in resolution.externals] == [
        ("Command/Command.php", "Symfony", "Symfony\\Component\\Process\\Process")
    ]
    assert [(u.source, u.module, u.reason) for u in resolution.unresolved] == [
        ("Command/Command.php", "Symfony\\Component\\Console\\Helper\\Missing", "use matches no file")
    ]
