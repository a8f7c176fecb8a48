""".NET's common generic types, as stubs the C# linker reads like the repository's own types.

A repository's code reaches its own types through the base class library's generic ones:
``orders[0].Ship()`` on a ``List<Order>``, ``foreach (var o in orders)``, ``byId[key].Name`` on a
``Dictionary<K, Order>``, ``orders.First().Ship()`` (an extension method of ``System.Linq``),
``lazy.Value.Ship()``.  These stubs declare, for the collections, ``KeyValuePair``, ``Lazy``,
``Task``, LINQ's element-returning operators and ``System.Type`` with reflection's ``MemberInfo``
family, the members whose types carry a type variable (or a type of the stubs);
``string``, ``object`` and the collections declare their common instance methods too, so that an
extension method of the repository of the same name (``IndexOf(this IEnumerable<T> ...)``) is not
taken for ``text.IndexOf('.')``; an extension method of the repository on them is found.  A member
left out (``Select``) is a member of a type the linker knows but never a repository file, so it links
nothing.  A repository type of the same qualified name wins over
its stub.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import tree_sitter_c_sharp
from tree_sitter import Language, Parser

from analyzer.static.languages._java_classes import STUB_PREFIX
from analyzer.static.languages.csharp_types import type_facts

#: namespaces every C# file sees the stubs of (the SDK's implicit usings name them)
IMPLICIT = ("System", "System.Collections.Generic", "System.Linq", "System.Threading.Tasks")
#: further namespaces of the stubs (a file sees them through its usings)
_OTHERS = ("System.Collections.ObjectModel", "System.Reflection")
#: namespace -> its stub types, in C# syntax
STUBS: dict[str, str] = {
    "System": """
class Object { bool Equals(object o); int GetHashCode(); Type GetType(); string ToString(); }
class String : IEnumerable<Char> { int Length { get; } int IndexOf(object value); int LastIndexOf(object value);
  int IndexOfAny(char[] chars); bool Contains(string value); bool StartsWith(string value);
  bool EndsWith(string value); string Substring(int start); string Trim(); string TrimStart(); string TrimEnd();
  string[] Split(char[] separators); string Replace(string a, string b); string ToUpper(); string ToLower();
  string ToUpperInvariant(); string ToLowerInvariant(); string PadLeft(int width); string PadRight(int width);
  string Insert(int index, string value); string Remove(int start); char[] ToCharArray();
  int CompareTo(object value); string Normalize(); string Format(string format, object[] args);
  string Join(string separator, object[] values); string Concat(object[] values); bool IsNullOrEmpty(string s); }
class Lazy<T> { T Value { get; } }
delegate TResult Func<T, TResult>(T arg);
delegate void Action<T>(T obj);
delegate bool Predicate<T>(T obj);
class Type : System.Reflection.MemberInfo { Type BaseType { get; } Type GetElementType();
  Type GetGenericTypeDefinition(); Type[] GetGenericArguments(); Type[] GetInterfaces(); Type GetInterface(string name);
  Type MakeGenericType(Type[] args); bool IsAssignableFrom(Type t); bool IsInstanceOfType(object o);
  System.Reflection.MethodInfo GetMethod(string name); System.Reflection.MethodInfo[] GetMethods();
  System.Reflection.PropertyInfo GetProperty(string name); System.Reflection.PropertyInfo[] GetProperties();
  System.Reflection.FieldInfo GetField(string name); System.Reflection.FieldInfo[] GetFields();
  System.Reflection.MemberInfo[] GetMember(string name); System.Reflection.MemberInfo[] GetMembers();
  System.Reflection.ConstructorInfo GetConstructor(Type[] types); System.Reflection.ConstructorInfo[] GetConstructors();
  System.Reflection.EventInfo GetEvent(string name); Type GetNestedType(string name); }
class WeakReference<T> {}
""",
    "System.Reflection": """
abstract class MemberInfo { string Name { get; } Type DeclaringType { get; } object[] GetCustomAttributes(bool inherit);
  bool IsDefined(Type attributeType, bool inherit); }
abstract class MethodBase : MemberInfo { ParameterInfo[] GetParameters(); object Invoke(object o, object[] args); }
abstract class MethodInfo : MethodBase { Type ReturnType { get; } MethodInfo GetGenericMethodDefinition();
  MethodInfo MakeGenericMethod(Type[] args); Type[] GetGenericArguments(); }
abstract class ConstructorInfo : MethodBase {}
abstract class PropertyInfo : MemberInfo { Type PropertyType { get; } MethodInfo GetGetMethod();
  MethodInfo GetSetMethod();
  object GetValue(object o, object[] index); void SetValue(object o, object v, object[] index);
  ParameterInfo[] GetIndexParameters(); }
abstract class FieldInfo : MemberInfo { Type FieldType { get; } object GetValue(object o);
  void SetValue(object o, object v); }
abstract class EventInfo : MemberInfo {}
class ParameterInfo { Type ParameterType { get; } string Name { get; } }
""",
    "System.Collections.Generic": """
interface IEnumerable<T> { IEnumerator<T> GetEnumerator(); }
interface IEnumerator<T> { T Current { get; } }
interface IList<T> : ICollection<T> { T this[int index] { get; set; } int IndexOf(T item);
  void Insert(int index, T item); void RemoveAt(int index); }
interface IReadOnlyCollection<T> : IEnumerable<T> {}
interface IReadOnlyList<T> : IReadOnlyCollection<T> { T this[int index] { get; } }
interface ISet<T> : ICollection<T> {}
interface ICollection<T> : IEnumerable<T> { int Count { get; } void Add(T item); bool Remove(T item);
  bool Contains(T item); void Clear(); void CopyTo(T[] array, int index); }
class List<T> : IList<T>, IReadOnlyList<T> { T Find(Predicate<T> match); T FindLast(Predicate<T> match);
  List<T> FindAll(Predicate<T> match); List<T> GetRange(int index, int count); T[] ToArray();
  int IndexOf(T item); int LastIndexOf(T item); void Insert(int index, T item); void RemoveAt(int index);
  void AddRange(IEnumerable<T> items); void Sort(); void Reverse(); bool Exists(Predicate<T> match);
  int FindIndex(Predicate<T> match); void ForEach(Action<T> action); bool TrueForAll(Predicate<T> match);
  int RemoveAll(Predicate<T> match); void InsertRange(int index, IEnumerable<T> items); }
class HashSet<T> : ISet<T> {}
class SortedSet<T> : ISet<T> { T Min { get; } T Max { get; } }
class LinkedList<T> : ICollection<T> {}
class Queue<T> : IEnumerable<T> { T Dequeue(); T Peek(); }
class Stack<T> : IEnumerable<T> { T Pop(); T Peek(); }
struct KeyValuePair<TKey, TValue> { TKey Key { get; } TValue Value { get; } }
interface IDictionary<TKey, TValue> : ICollection<KeyValuePair<TKey, TValue>> { TValue this[TKey key] { get; set; }
  ICollection<TKey> Keys { get; } ICollection<TValue> Values { get; } bool ContainsKey(TKey key);
  bool TryGetValue(TKey key, out TValue value); void Add(TKey key, TValue value); bool Remove(TKey key); }
interface IReadOnlyDictionary<TKey, TValue> : IReadOnlyCollection<KeyValuePair<TKey, TValue>> {
  TValue this[TKey key] { get; } IEnumerable<TKey> Keys { get; } IEnumerable<TValue> Values { get; } }
class Dictionary<TKey, TValue> : IDictionary<TKey, TValue>, IReadOnlyDictionary<TKey, TValue> {}
class SortedDictionary<TKey, TValue> : IDictionary<TKey, TValue>, IReadOnlyDictionary<TKey, TValue> {}
class SortedList<TKey, TValue> : IDictionary<TKey, TValue>, IReadOnlyDictionary<TKey, TValue> {}
""",
    "System.Collections.ObjectModel": """
class Collection<T> : IList<T>, IReadOnlyList<T> {}
class ReadOnlyCollection<T> : IList<T>, IReadOnlyList<T> {}
class ObservableCollection<T> : Collection<T> {}
abstract class KeyedCollection<TKey, TItem> : Collection<TItem> { TItem this[TKey key] { get; } }
""",
    "System.Collections.Concurrent": """
class ConcurrentDictionary<TKey, TValue> : IDictionary<TKey, TValue>, IReadOnlyDictionary<TKey, TValue> {
  TValue GetOrAdd(TKey key, TValue value); TValue AddOrUpdate(TKey key, TValue add, TValue update); }
class ConcurrentQueue<T> : IReadOnlyCollection<T> {}
class ConcurrentBag<T> : IReadOnlyCollection<T> {}
""",
    "System.Threading.Tasks": "class Task<TResult> { TResult Result { get; } }",
    "System.Linq": """
interface IOrderedEnumerable<T> : IEnumerable<T> {}
static class Enumerable {
  static T First<T>(this IEnumerable<T> source); static T FirstOrDefault<T>(this IEnumerable<T> source);
  static T Last<T>(this IEnumerable<T> source); static T LastOrDefault<T>(this IEnumerable<T> source);
  static T Single<T>(this IEnumerable<T> source); static T SingleOrDefault<T>(this IEnumerable<T> source);
  static T First<T>(this IEnumerable<T> source, Func<T, bool> predicate);
  static T FirstOrDefault<T>(this IEnumerable<T> source, Func<T, bool> predicate);
  static T Last<T>(this IEnumerable<T> source, Func<T, bool> predicate);
  static T LastOrDefault<T>(this IEnumerable<T> source, Func<T, bool> predicate);
  static T Single<T>(this IEnumerable<T> source, Func<T, bool> predicate);
  static T SingleOrDefault<T>(this IEnumerable<T> source, Func<T, bool> predicate);
  static bool Any<T>(this IEnumerable<T> source, Func<T, bool> predicate);
  static bool All<T>(this IEnumerable<T> source, Func<T, bool> predicate);
  static int Count<T>(this IEnumerable<T> source, Func<T, bool> predicate);
  static IEnumerable<TResult> Select<T, TResult>(this IEnumerable<T> source, Func<T, TResult> selector);
  static IEnumerable<TResult> SelectMany<T, TResult>(this IEnumerable<T> source, Func<T, IEnumerable<TResult>> f);
  static T ElementAt<T>(this IEnumerable<T> source, int index);
  static T ElementAtOrDefault<T>(this IEnumerable<T> source, int index);
  static IEnumerable<T> Where<T>(this IEnumerable<T> source, Func<T, bool> predicate);
  static IEnumerable<T> Skip<T>(this IEnumerable<T> source, int count);
  static IEnumerable<T> Take<T>(this IEnumerable<T> source, int count);
  static IEnumerable<T> Reverse<T>(this IEnumerable<T> source);
  static IEnumerable<T> Distinct<T>(this IEnumerable<T> source);
  static IEnumerable<T> Concat<T>(this IEnumerable<T> first, IEnumerable<T> second);
  static IEnumerable<T> AsEnumerable<T>(this IEnumerable<T> source);
  static IOrderedEnumerable<T> OrderBy<T>(this IEnumerable<T> source, Func<T, object> key);
  static IOrderedEnumerable<T> OrderByDescending<T>(this IEnumerable<T> source, Func<T, object> key);
  static List<T> ToList<T>(this IEnumerable<T> source); static T[] ToArray<T>(this IEnumerable<T> source);
}
""",
}


@lru_cache(maxsize=1)
def stub_facts() -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """(pseudo path, facts) of each stub namespace, parsed once per process."""
    parser = Parser(Language(tree_sitter_c_sharp.language()))
    out = []
    for namespace, body in sorted(STUBS.items()):
        usings = "".join(f"using {n};\n" for n in (*IMPLICIT, *_OTHERS))
        source = f"{usings}namespace {namespace} {{\n{body}\n}}\n"
        out.append((f"{STUB_PREFIX}/{namespace}", type_facts(parser.parse(source.encode()).root_node)))
    return tuple(out)
