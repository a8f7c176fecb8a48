# The Ruby interpreter's ground truth of ruby_truth_bench.py: every constant reference of each file
# resolved as Ruby resolves it, and every require / require_relative / autoload to the file it loads.
#
# Loads the library first: LIBDIR on $LOAD_PATH, each ENTRY required, every autoload that the loaded
# modules declare eager-loaded (recursively), then every .rb file under LIBDIR required on its own;
# a file that fails (a missing gem, an error at load) is skipped and counted, and the constants it
# would define stay unresolved.  Then each .rb file under ROOT is parsed with Ripper and walked with its
# lexical nesting (module / class bodies; `class << self` is transparent): a bare constant (`:var_ref`
# of `@const`, `:const_ref` of a superclass or mixin) is looked up in the nesting's modules, then the
# ancestors of the innermost one, then Object; `A::B` (`:const_path_ref`) in A's ancestors; `::A`
# (`:top_const_ref`) in Object.  The module found gives `const_source_location`, the file defining the
# constant (its first definition: a reopened module points at the file that first defined it).  The
# name a `class` / `module` statement defines is not a reference (its scope, `A` in `class A::B`, is).
# A method call whose receiver is known is resolved too, to the file of the method's source_location:
# a constant's (`Foo.bar`: its singleton methods), self's (`bar`, `self.bar`: in a class body the
# class's singleton methods, in an instance method its instance methods, ancestors and mixins
# included, as Ruby looks them up for an instance of the enclosing class, not of a subclass).  A call
# on any other receiver (`x.bar`) is not resolved: its class is unknown without running the code.
#
# Prints "source<TAB>target<TAB>kind" per pair, paths relative to ROOT, kind import (a require,
# require_relative or autoload with a literal path), inherit (a superclass; include / extend / prepend's
# arguments), call (any other constant use); on stderr, counts.  A file's uses of itself do not count.
# Usage: ruby refs.rb ROOT LIBDIR ENTRY...
require "ripper"
require "set"

ROOT = File.realpath(ARGV[0])
LIB = File.realpath(ARGV[1])
ENTRIES = ARGV[2..]
$stdout.sync = true
$VERBOSE = nil
$LOAD_PATH.unshift(LIB)
STATS = Hash.new(0)

def try_load
  yield
  true
rescue ScriptError, StandardError, SystemStackError => e
  STATS["load_error"] += 1
  STATS["load_error: #{e.class}"] += 1
  false
end

# autoload declarations as they run (ActiveSupport::Autoload's `autoload :Name` builds the path, then
# calls Module#autoload): the declaring file (the first frame outside an `autoload` method) -> the file
AUTOLOADS = Hash.new { |h, k| h[k] = Set.new }
module RecordAutoload
  def autoload(name, path)
    from = caller_locations.find { |l| l.base_label != "autoload" }&.absolute_path
    found = ($LOAD_PATH.resolve_feature_path(path) rescue nil)
    AUTOLOADS[from] << found[1] if from && found && found[0] == :rb
    super
  end
end
Module.prepend(RecordAutoload)
# the file of each module's first `class` / `module` statement: Ruby 3.1's const_source_location answers
# [false, 0] for a constant an autoload defined, and this stands in for it then
OPENED = {}
TracePoint.new(:class) { |tp| OPENED[tp.self] ||= tp.path }.enable

ENTRIES.each { |e| try_load { require e } }

def eager(mod, seen)
  return if seen.include?(mod)

  seen << mod
  mod.constants(false).each do |name|
    try_load { mod.const_get(name, false) } if mod.autoload?(name)
    value = begin
      mod.const_get(name, false)
    rescue ScriptError, StandardError
      nil
    end
    eager(value, seen) if value.is_a?(Module)
  end
end

def eager_all
  seen = Set.new
  roots = Object.constants.map { |n| Object.const_get(n) rescue nil }.grep(Module)
  roots.each { |m| eager(m, seen) if (m.name && (Object.const_source_location(m.name) || [])[0].to_s.start_with?(LIB)) }
end

eager_all
Dir.glob("**/*.rb", base: LIB).sort.each { |f| try_load { require File.join(LIB, f) } }
eager_all

def rel(path)
  return nil unless path

  full = begin
    File.realpath(path)
  rescue SystemCallError
    return nil
  end
  full.start_with?(ROOT + "/") ? full[(ROOT.length + 1)..] : nil
end

OUT = Set.new

# The file defining `mod`'s constant `name`, as `const_source_location` tells, or nil.
def location(mod, name)
  loc = mod.const_source_location(name, false)
  return loc[0] if loc.is_a?(Array) && loc[0].is_a?(String)

  value = mod.const_get(name, false)
  value.is_a?(Module) ? OPENED[value] : nil
rescue StandardError, ScriptError
  nil
end

def owner_of(mods, name)
  mods.each { |m| return m if m.const_defined?(name, false) }
  nil
rescue StandardError, ScriptError
  nil
end

class Walker
  def initialize(src)
    @src = src
    @mode = nil # nil: top level; :body of a class / module; :instance or :singleton method body
  end

  def add(mod, name, kind)
    unless mod
      STATS["unresolved"] += 1
      return
    end
    target = rel(location(mod, name))
    STATS[target ? "resolved_inside" : "resolved_outside"] += 1
    OUT << "#{@src}\t#{target}\t#{kind}" if target && target != @src
  end

  def value(mod, name)
    mod&.const_get(name, false)
  rescue StandardError, ScriptError
    nil
  end

  # the module a bare constant `name` is found in, from the lexical nesting (innermost first)
  def lexical(nesting, name)
    return nil if nesting.include?(nil)

    cref = nesting.first || Object
    chain = nesting + cref.ancestors
    chain += Object.ancestors unless cref.is_a?(Class)
    owner_of(chain.uniq, name)
  end

  # the module a qualified `scope::name` is found in
  def scoped(scope, name)
    return nil unless scope.is_a?(Module)

    chain = scope.ancestors
    chain -= Object.ancestors unless scope == Object
    owner_of(chain, name)
  end

  # resolve a constant expression, recording its references; returns the constant's value
  def const_expr(node, nesting, kind)
    case node&.first
    when :var_ref, :const_ref
      return nil unless node[1].is_a?(Array) && node[1].first == :@const

      name = node[1][1].to_sym
      owner = lexical(nesting, name)
      add(owner, name, kind)
      value(owner, name)
    when :const_path_ref
      scope = const_expr(node[1], nesting, "call")
      name = node[2][1].to_sym
      owner = scoped(scope, name)
      add(owner, name, kind)
      value(owner, name)
    when :top_const_ref
      name = node[1][1].to_sym
      owner = owner_of([Object], name)
      add(owner, name, kind)
      value(owner, name)
    else
      walk(node, nesting)
      nil
    end
  end

  # the module a `class` / `module` statement opens (its scope's references recorded)
  def opened(path, nesting)
    case path.first
    when :const_ref
      value(nesting.include?(nil) ? nil : (nesting.first || Object), path[1][1].to_sym)
    when :const_path_ref
      scope = const_expr(path[1], nesting, "call")
      scope.is_a?(Module) ? value(scope, path[2][1].to_sym) : nil
    when :top_const_ref
      value(Object, path[1][1].to_sym)
    end
  end

  def mixin?(node)
    return false unless %i[command fcall].include?(node.first)

    ident = node[1]
    ident.is_a?(Array) && ident.first == :@ident && %w[include extend prepend].include?(ident[1])
  end

  def walk(node, nesting)
    return unless node.is_a?(Array)

    case node.first
    when :module
      inner = opened(node[1], nesting)
      STATS["unknown_scope"] += 1 unless inner
      within(:body) { walk(node[2], [inner] + nesting) }
    when :class
      const_expr(node[2], nesting, "inherit") if node[2]
      inner = opened(node[1], nesting)
      STATS["unknown_scope"] += 1 unless inner
      within(:body) { walk(node[3], [inner] + nesting) }
    when :def then within(@mode == :singleton ? :singleton : :instance) { walk(node[2..], nesting) }
    when :defs, :sclass then within(:singleton) { walk(node[1..], nesting) }
    when :var_ref, :const_path_ref, :top_const_ref
      const_expr(node, nesting, "call")
    when :call, :command_call then receiver_call(node, nesting)
    when :fcall, :vcall then self_call(node[1], nesting)
    when :command
      if mixin?(node)
        args = node[2]
        args = args[1] if args.is_a?(Array) && args.first == :args_add_block
        Array(args).each { |a| a.is_a?(Array) && a.first.is_a?(Symbol) ? const_expr(a, nesting, "inherit") : walk(a, nesting) }
      else
        self_call(node[1], nesting)
        node[2..].each { |child| walk(child, nesting) }
      end
    else
      node.each { |child| walk(child, nesting) if child.is_a?(Array) }
    end
    nil
  end

  def within(mode)
    saved = @mode
    @mode = mode
    yield
  ensure
    @mode = saved
  end

  CONSTANT = %i[var_ref const_path_ref top_const_ref].freeze

  # `Foo.bar` / `self.bar`: the file defining the method the receiver answers (a constant's singleton
  # methods; self's as for a receiver-less call); any other receiver is walked, its method unresolved
  def receiver_call(node, nesting)
    receiver, name = node[1], node[3]
    constant = receiver.is_a?(Array) && CONSTANT.include?(receiver.first) && receiver[1].is_a?(Array) && receiver[1].first != :@kw
    if constant
      mod = const_expr(receiver, nesting, "call")
      method_pair(mod, name, :singleton) if mod.is_a?(Module)
    elsif receiver.is_a?(Array) && receiver.first == :var_ref && receiver[1][0, 2] == [:@kw, "self"]
      self_call(name, nesting)
    else
      walk(receiver, nesting)
    end
    node[4..].each { |child| walk(child, nesting) if child.is_a?(Array) }
  end

  # a call without a receiver (or on self): the method self answers in the current scope
  def self_call(name, nesting)
    return if nesting.include?(nil)

    method_pair(nesting.first || Object, name, @mode || :instance)
  end

  def method_pair(mod, name, mode)
    return unless name.is_a?(Array) && name.first == :@ident

    method = mode == :instance ? mod.instance_method(name[1]) : mod.method(name[1])
    target = rel(method.source_location&.first)
    STATS[target ? "method_inside" : "method_outside"] += 1
    OUT << "#{@src}\t#{target}\tcall" if target && target != @src
  rescue NameError, TypeError
    STATS["method_unresolved"] += 1
  end
end

# require / require_relative / autoload with a literal path: the file it loads (and, above, every
# autoload the file declared while it loaded)
def literal(node)
  return nil unless node.is_a?(Array) && node.first == :string_literal

  parts = node[1]
  return nil unless parts.is_a?(Array) && parts.length == 2 && parts[1].is_a?(Array) && parts[1].first == :@tstring_content

  parts[1][1]
end

def loads(node, file, out)
  return unless node.is_a?(Array)

  if %i[command method_add_arg].include?(node.first)
    call = node.first == :command ? node[1] : (node[1].first == :fcall ? node[1][1] : nil)
    args = node.first == :command ? node[2] : node[2][1]
    args = args[1] if args.is_a?(Array) && args.first == :args_add_block
    if call.is_a?(Array) && call.first == :@ident && args.is_a?(Array)
      path = nil
      case call[1]
      when "require" then path = literal(args[0]) && $LOAD_PATH.resolve_feature_path(literal(args[0])) rescue nil
        path = path && path[0] == :rb ? path[1] : nil
      when "require_relative"
        lit = literal(args[0])
        path = lit && File.expand_path(lit.end_with?(".rb") ? lit : "#{lit}.rb", File.dirname(file))
      when "autoload"
        lit = literal(args[1])
        found = lit && ($LOAD_PATH.resolve_feature_path(lit) rescue nil)
        path = found && found[0] == :rb ? found[1] : nil
      end
      out << path if path
    end
  end
  node.each { |child| loads(child, file, out) if child.is_a?(Array) }
end

Dir.glob("**/*.rb", base: ROOT).sort.each do |f|
  file = File.join(ROOT, f)
  tree = Ripper.sexp(File.read(file))
  unless tree
    STATS["parse_error"] += 1
    next
  end
  src = rel(file)
  Walker.new(src).walk(tree, [])
  targets = AUTOLOADS.fetch(File.realpath(file), Set.new).to_a
  loads(tree, file, targets)
  targets.each do |t|
    target = rel(t)
    OUT << "#{src}\t#{target}\timport" if target && target != src
  end
end

puts OUT.to_a.sort
$stderr.puts STATS.sort.map { |k, v| "#{k}: #{v}" }.join("\n")
