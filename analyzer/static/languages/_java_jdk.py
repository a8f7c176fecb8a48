"""The JDK's common generic types, as stubs the Java linker reads like the repository's own classes.

A repository's code reaches its own classes through the JDK's generic types: ``pets.get(0).feed()``
on a ``List<Pet>``, ``for (var p : owners.values())``, ``pets.forEach(p -> p.feed())``,
``stream().filter(p -> p.isOld()).findFirst().get().feed()``, a class extending
``AbstractList<Pet>``.  These stubs declare, for the JDK's collections, ``Optional``,
``Iterator`` / ``Iterable``, ``Map.Entry``, ``Stream``'s basic operations, the functional
interfaces and a few holders (``Future``, ``AtomicReference``, ``ThreadLocal``, ``Reference``),
the members whose types carry a type variable: what ``get`` returns, what a lambda passed to
``forEach`` receives.  A member left out (``size()``, ``collect``, ``Collections.sort``) is a
member of a type the linker knows but never a repository file, so it links nothing, as before.
A method's own type variables are inferred from its arguments (``Optional.of(pet)``,
``List.of(a, b)``, ``Collections.unmodifiableList(pets)``, ``map(p -> p.owner())``,
``map(Pet::owner)``), never from where the result goes (``collect(Collectors.toList())``: unknown).
A repository class of the same qualified name wins over its stub.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import tree_sitter_java
from tree_sitter import Language, Parser

from analyzer.static.languages._java_classes import STUB_PREFIX
from analyzer.static.languages.java_types import type_facts

_IMPORTS = (
    "import java.util.*; import java.util.function.*; import java.util.stream.*; import java.util.concurrent.*;\n"
)
#: package -> its stub classes, in Java syntax
STUBS: dict[str, str] = {
    "java.lang": """
interface Iterable<T> { Iterator<T> iterator(); void forEach(Consumer<? super T> action); }
final class ThreadLocal<T> { T get(); }
class InheritableThreadLocal<T> extends ThreadLocal<T> {}
final class Class<T> { T cast(Object o); T newInstance();
  java.lang.reflect.Constructor<T> getConstructor(Class<?>... types);
  java.lang.reflect.Constructor<T> getDeclaredConstructor(Class<?>... types); }
""",
    "java.lang.reflect": "final class Constructor<T> { T newInstance(Object... args); }",
    "java.lang.ref": """
abstract class Reference<T> { T get(); }
class WeakReference<T> extends Reference<T> {}
class SoftReference<T> extends Reference<T> {}
""",
    "java.util": """
interface Iterator<E> { E next(); void forEachRemaining(Consumer<? super E> action); }
interface ListIterator<E> extends Iterator<E> { E previous(); }
interface Enumeration<E> { E nextElement(); Iterator<E> asIterator(); }
interface Comparator<T> { int compare(T a, T b); }
interface Collection<E> extends Iterable<E> { Stream<E> stream(); Stream<E> parallelStream();
  boolean removeIf(Predicate<? super E> filter); }
interface List<E> extends Collection<E> { E get(int i); E set(int i, E e); E remove(int i);
  List<E> subList(int a, int b); ListIterator<E> listIterator(); void sort(Comparator<? super E> c);
  void replaceAll(UnaryOperator<E> op);
  E getFirst(); E getLast(); E removeFirst(); E removeLast(); static <E> List<E> of(E... es);
  static <E> List<E> copyOf(Collection<? extends E> c); }
interface Set<E> extends Collection<E> { static <E> Set<E> of(E... es);
  static <E> Set<E> copyOf(Collection<? extends E> c); }
interface SortedSet<E> extends Set<E> { E first(); E last(); SortedSet<E> headSet(E e); SortedSet<E> tailSet(E e);
  SortedSet<E> subSet(E a, E b); }
interface NavigableSet<E> extends SortedSet<E> { E floor(E e); E ceiling(E e); E lower(E e); E higher(E e);
  E pollFirst(); E pollLast(); NavigableSet<E> descendingSet(); Iterator<E> descendingIterator(); }
interface Queue<E> extends Collection<E> { E peek(); E poll(); E element(); E remove(); }
interface Deque<E> extends Queue<E> { E peekFirst(); E peekLast(); E pollFirst(); E pollLast(); E getFirst();
  E getLast(); E removeFirst(); E removeLast(); E pop(); Iterator<E> descendingIterator(); }
interface Map<K, V> { V get(Object k); V put(K k, V v); V remove(Object k); V getOrDefault(Object k, V v);
  V putIfAbsent(K k, V v); V computeIfAbsent(K k, Function<? super K, ? extends V> f);
  V computeIfPresent(K k, BiFunction<? super K, ? super V, ? extends V> f);
  V compute(K k, BiFunction<? super K, ? super V, ? extends V> f);
  V merge(K k, V v, BiFunction<? super V, ? super V, ? extends V> f); V replace(K k, V v);
  Set<K> keySet(); Collection<V> values(); Set<Map.Entry<K, V>> entrySet();
  void forEach(BiConsumer<? super K, ? super V> action);
  interface Entry<K, V> { K getKey(); V getValue(); V setValue(V v); } }
interface SortedMap<K, V> extends Map<K, V> { K firstKey(); K lastKey(); SortedMap<K, V> headMap(K k);
  SortedMap<K, V> tailMap(K k); SortedMap<K, V> subMap(K a, K b); }
interface NavigableMap<K, V> extends SortedMap<K, V> { Map.Entry<K, V> firstEntry(); Map.Entry<K, V> lastEntry();
  Map.Entry<K, V> floorEntry(K k); Map.Entry<K, V> ceilingEntry(K k); Map.Entry<K, V> lowerEntry(K k);
  Map.Entry<K, V> higherEntry(K k); Map.Entry<K, V> pollFirstEntry(); Map.Entry<K, V> pollLastEntry();
  K floorKey(K k); K ceilingKey(K k); K lowerKey(K k); K higherKey(K k); NavigableMap<K, V> descendingMap();
  NavigableSet<K> navigableKeySet(); NavigableSet<K> descendingKeySet(); }
abstract class AbstractCollection<E> implements Collection<E> {}
abstract class AbstractList<E> extends AbstractCollection<E> implements List<E> {}
abstract class AbstractSequentialList<E> extends AbstractList<E> {}
abstract class AbstractSet<E> extends AbstractCollection<E> implements Set<E> {}
abstract class AbstractQueue<E> extends AbstractCollection<E> implements Queue<E> {}
abstract class AbstractMap<K, V> implements Map<K, V> {}
class ArrayList<E> extends AbstractList<E> implements List<E> {}
class LinkedList<E> extends AbstractSequentialList<E> implements List<E>, Deque<E> {}
class Vector<E> extends AbstractList<E> implements List<E> { Enumeration<E> elements(); E firstElement();
  E lastElement(); E elementAt(int i); }
class Stack<E> extends Vector<E> { E push(E e); E pop(); E peek(); }
class HashSet<E> extends AbstractSet<E> implements Set<E> {}
class LinkedHashSet<E> extends HashSet<E> implements Set<E> {}
class TreeSet<E> extends AbstractSet<E> implements NavigableSet<E> {}
abstract class EnumSet<E> extends AbstractSet<E> {}
class ArrayDeque<E> extends AbstractCollection<E> implements Deque<E> {}
class PriorityQueue<E> extends AbstractQueue<E> {}
class HashMap<K, V> extends AbstractMap<K, V> implements Map<K, V> {}
class LinkedHashMap<K, V> extends HashMap<K, V> implements Map<K, V> {}
class TreeMap<K, V> extends AbstractMap<K, V> implements NavigableMap<K, V> {}
class WeakHashMap<K, V> extends AbstractMap<K, V> implements Map<K, V> {}
class IdentityHashMap<K, V> extends AbstractMap<K, V> implements Map<K, V> {}
class EnumMap<K, V> extends AbstractMap<K, V> {}
class Hashtable<K, V> implements Map<K, V> { Enumeration<K> keys(); Enumeration<V> elements(); }
final class Optional<T> { T get(); T orElse(T other); T orElseGet(Supplier<? extends T> s); T orElseThrow();
  T orElseThrow(Supplier<?> s); void ifPresent(Consumer<? super T> action);
  void ifPresentOrElse(Consumer<? super T> action, Runnable other); Optional<T> filter(Predicate<? super T> p);
  <U> Optional<U> map(Function<? super T, ? extends U> f); <U> Optional<U> flatMap(Function<? super T, ?> f);
  Optional<T> or(Supplier<?> s); Stream<T> stream(); static <T> Optional<T> of(T value);
  static <T> Optional<T> ofNullable(T value); }
final class Objects { static <T> T requireNonNull(T obj); static <T> T requireNonNull(T obj, String message);
  static <T> T requireNonNullElse(T obj, T other); }
final class Collections { static <T> List<T> unmodifiableList(List<? extends T> l);
  static <T> Set<T> unmodifiableSet(Set<? extends T> s);
  static <T> Collection<T> unmodifiableCollection(Collection<? extends T> c);
  static <K, V> Map<K, V> unmodifiableMap(Map<? extends K, ? extends V> m);
  static <T> List<T> synchronizedList(List<T> l); static <K, V> Map<K, V> synchronizedMap(Map<K, V> m);
  static <T> List<T> singletonList(T o); static <T> Set<T> singleton(T o); }
final class Arrays { static <T> List<T> asList(T... a); static <T> Stream<T> stream(T[] array); }
""",
    "java.util.function": """
interface Consumer<T> { void accept(T t); }
interface BiConsumer<T, U> { void accept(T t, U u); }
interface Function<T, R> { R apply(T t); }
interface BiFunction<T, U, R> { R apply(T t, U u); }
interface UnaryOperator<T> extends Function<T, T> {}
interface BinaryOperator<T> extends BiFunction<T, T, T> {}
interface Predicate<T> { boolean test(T t); }
interface BiPredicate<T, U> { boolean test(T t, U u); }
interface Supplier<T> { T get(); }
interface ToIntFunction<T> { int applyAsInt(T t); }
interface ToLongFunction<T> { long applyAsLong(T t); }
interface ToDoubleFunction<T> { double applyAsDouble(T t); }
""",
    "java.util.stream": """
interface Stream<T> { Stream<T> filter(Predicate<? super T> p); <R> Stream<R> map(Function<? super T, ? extends R> f);
  <R> Stream<R> flatMap(Function<? super T, ?> f); Stream<T> distinct(); Stream<T> sorted();
  Stream<T> sorted(Comparator<? super T> c); Stream<T> peek(Consumer<? super T> action); Stream<T> limit(long n);
  Stream<T> skip(long n); Stream<T> takeWhile(Predicate<? super T> p); Stream<T> dropWhile(Predicate<? super T> p);
  void forEach(Consumer<? super T> action); void forEachOrdered(Consumer<? super T> action);
  boolean anyMatch(Predicate<? super T> p); boolean allMatch(Predicate<? super T> p);
  boolean noneMatch(Predicate<? super T> p); Optional<T> findFirst(); Optional<T> findAny();
  Optional<T> min(Comparator<? super T> c); Optional<T> max(Comparator<? super T> c); List<T> toList();
  Iterator<T> iterator(); T reduce(T identity, BinaryOperator<T> f); Optional<T> reduce(BinaryOperator<T> f);
  IntStream mapToInt(ToIntFunction<? super T> f); LongStream mapToLong(ToLongFunction<? super T> f);
  DoubleStream mapToDouble(ToDoubleFunction<? super T> f); static <T> Stream<T> of(T... values); }
""",
    "java.util.concurrent": """
interface Callable<V> { V call(); }
interface Future<V> { V get(); V get(long timeout, TimeUnit unit); }
interface CompletionStage<T> { CompletionStage<Void> thenAccept(Consumer<? super T> action);
  <U> CompletionStage<U> thenApply(Function<? super T, ? extends U> f);
  CompletionStage<T> whenComplete(BiConsumer<? super T, ? super Throwable> action); }
class CompletableFuture<T> implements Future<T>, CompletionStage<T> { T join(); T getNow(T other);
  CompletableFuture<Void> thenAccept(Consumer<? super T> action);
  <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> f);
  CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action); }
interface ConcurrentMap<K, V> extends Map<K, V> {}
interface ConcurrentNavigableMap<K, V> extends ConcurrentMap<K, V>, NavigableMap<K, V> {}
class ConcurrentHashMap<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V> {}
class ConcurrentSkipListMap<K, V> extends AbstractMap<K, V> implements ConcurrentNavigableMap<K, V> {}
interface BlockingQueue<E> extends Queue<E> { E take(); E poll(long timeout, TimeUnit unit); }
interface BlockingDeque<E> extends BlockingQueue<E>, Deque<E> {}
class LinkedBlockingQueue<E> extends AbstractQueue<E> implements BlockingQueue<E> {}
class ArrayBlockingQueue<E> extends AbstractQueue<E> implements BlockingQueue<E> {}
class LinkedBlockingDeque<E> extends AbstractQueue<E> implements BlockingDeque<E> {}
class PriorityBlockingQueue<E> extends AbstractQueue<E> implements BlockingQueue<E> {}
class ConcurrentLinkedQueue<E> extends AbstractQueue<E> implements Queue<E> {}
class ConcurrentLinkedDeque<E> extends AbstractCollection<E> implements Deque<E> {}
class CopyOnWriteArrayList<E> implements List<E> {}
class CopyOnWriteArraySet<E> extends AbstractSet<E> {}
class ConcurrentSkipListSet<E> extends AbstractSet<E> implements NavigableSet<E> {}
""",
    "java.util.concurrent.atomic": """
class AtomicReference<V> { V get(); V getAndSet(V v); V updateAndGet(UnaryOperator<V> f);
  V getAndUpdate(UnaryOperator<V> f); }
""",
}


@lru_cache(maxsize=1)
def stub_facts() -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """(pseudo path, facts) of each stub package, parsed once per process."""
    parser = Parser(Language(tree_sitter_java.language()))
    out = []
    for package, body in sorted(STUBS.items()):
        source = f"package {package};\n{_IMPORTS}{body}"
        out.append((f"{STUB_PREFIX}/{package}", type_facts(parser.parse(source.encode()).root_node)))
    return tuple(out)
