package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class PersistentOrderedMapTest {

	/** A key with a chosen hash code, to force collisions. */
	record Key(String id, int hash) {

		@Override
		public int hashCode() {
			return this.hash;
		}

		@Override
		public String toString() {
			return this.id + "#" + this.hash;
		}

	}

	private static PersistentOrderedMap<Object, Object> sequential(int n) {
		PersistentOrderedMap<Object, Object> map = PersistentOrderedMap.empty();
		for (int i = 0; i < n; i++) {
			map = map.put("k" + i, i);
		}
		return map;
	}

	private static List<Object> keys(PersistentOrderedMap<?, ?> map) {
		List<Object> keys = new ArrayList<>();
		map.forEach((k, v) -> keys.add(k));
		return keys;
	}

	/** Checks size, lookups of present and absent keys, both iteration paths and the invariants. */
	private static void assertSame(PersistentOrderedMap<Object, Object> map, Map<Object, Object> model) {
		map.verify();
		assertThat(map.size()).isEqualTo(model.size());
		assertThat(map.isEmpty()).isEqualTo(model.isEmpty());
		List<Map.Entry<Object, Object>> entries = new ArrayList<>();
		map.forEach((k, v) -> entries.add(Map.entry(k, v)));
		assertThat(entries).containsExactlyElementsOf(model.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList());
		List<Map.Entry<Object, Object>> iterated = new ArrayList<>();
		map.iterator().forEachRemaining(iterated::add);
		assertThat(iterated).isEqualTo(entries);
		List<Object> iteratedKeys = new ArrayList<>();
		map.keyIterator().forEachRemaining(iteratedKeys::add);
		assertThat(iteratedKeys).containsExactlyElementsOf(model.keySet());
		model.forEach((k, v) -> {
			assertThat(map.get(k)).isEqualTo(v);
			assertThat(map.containsKey(k)).isTrue();
		});
	}

	@Test
	void emptyIsSharedAndEmpty() {
		PersistentOrderedMap<String, String> map = PersistentOrderedMap.empty();
		assertThat(map).isSameAs(PersistentOrderedMap.empty());
		assertThat(map.size()).isZero();
		assertThat(map.isEmpty()).isTrue();
		assertThat(map.get("a")).isNull();
		assertThat(map.containsKey("a")).isFalse();
		assertThat(map.iterator().hasNext()).isFalse();
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> map.iterator().next());
		assertThat(map.remove("a")).isSameAs(map);
	}

	@Test
	void keepsInsertionOrderSmallAndLarge() {
		for (int n : new int[] { 3, PersistentOrderedMap.FLAT_AGAIN, PersistentOrderedMap.SMALL_MAX, PersistentOrderedMap.SMALL_MAX + 1, 40, 1100, 40_000 }) {
			PersistentOrderedMap<Object, Object> map = sequential(n);
			map.verify();
			assertThat(map.size()).isEqualTo(n);
			List<Object> keys = keys(map);
			assertThat(keys).hasSize(n);
			for (int i = 0; i < n; i++) {
				assertThat(keys.get(i)).isEqualTo("k" + i);
				assertThat(map.get("k" + i)).isEqualTo(i);
			}
			assertThat(map.get("k" + n)).isNull();
			assertThat(map.containsKey("nope")).isFalse();
		}
	}

	@Test
	void rePutKeepsPositionAndReplacesValue() {
		for (int n : new int[] { 5, 100 }) {
			PersistentOrderedMap<Object, Object> map = sequential(n).put("k2", "two");
			map.verify();
			assertThat(map.size()).isEqualTo(n);
			assertThat(keys(map).get(2)).isEqualTo("k2");
			assertThat(map.get("k2")).isEqualTo("two");
		}
	}

	@Test
	void removedKeyComesBackLast() {
		for (int n : new int[] { 5, 100 }) {
			PersistentOrderedMap<Object, Object> map = sequential(n).remove("k1");
			map.verify();
			assertThat(map.size()).isEqualTo(n - 1);
			assertThat(map.containsKey("k1")).isFalse();
			assertThat(map.get("k1")).isNull();
			assertThat(keys(map)).doesNotContain("k1");
			map = map.put("k1", "again");
			assertThat(keys(map)).last().isEqualTo("k1");
			assertThat(map.get("k1")).isEqualTo("again");
		}
	}

	@Test
	void identicalValueAndAbsentKeyReturnThis() {
		for (int n : new int[] { 5, 100, 5000 }) {
			PersistentOrderedMap<Object, Object> map = sequential(n);
			assertThat(map.put("k3", map.get("k3"))).isSameAs(map);
			assertThat(map.remove("absent")).isSameAs(map);
			assertThat(map.put("k3", Integer.valueOf(100_000))).isNotSameAs(map);
		}
	}

	@Test
	void nullsAreRejectedNamingTheArgument() {
		for (PersistentOrderedMap<Object, Object> map : List.of(sequential(2), sequential(50))) {
			assertThatNullPointerException().isThrownBy(() -> map.put(null, 1)).withMessage("key");
			assertThatNullPointerException().isThrownBy(() -> map.put("k0", null)).withMessage("value");
			assertThatNullPointerException().isThrownBy(() -> map.get(null)).withMessage("key");
			assertThatNullPointerException().isThrownBy(() -> map.containsKey(null)).withMessage("key");
			assertThatNullPointerException().isThrownBy(() -> map.remove(null)).withMessage("key");
			assertThatNullPointerException().isThrownBy(() -> map.forEach((java.util.function.BiConsumer<Object, Object>) null)).withMessage("action");
		}
		assertThatNullPointerException().isThrownBy(() -> PersistentOrderedMap.builder().put(null, 1)).withMessage("key");
		assertThatNullPointerException().isThrownBy(() -> PersistentOrderedMap.builder().put(1, null)).withMessage("value");
	}

	@Test
	void entriesAreImmutableAndIteratorEnds() {
		PersistentOrderedMap<Object, Object> map = sequential(50);
		Iterator<Map.Entry<Object, Object>> it = map.iterator();
		Map.Entry<Object, Object> first = it.next();
		assertThat(first).isEqualTo(Map.entry("k0", 0));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> first.setValue(1));
		for (int i = 1; i < 50; i++) {
			it.next();
		}
		assertThat(it.hasNext()).isFalse();
		assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(it::next);
	}

	@Test
	void stringHashCollisionAaBb() {
		assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
		for (int filler : new int[] { 0, 30 }) {
			PersistentOrderedMap<Object, Object> map = sequential(filler).put("Aa", 1).put("BB", 2);
			map.verify();
			assertThat(map.get("Aa")).isEqualTo(1);
			assertThat(map.get("BB")).isEqualTo(2);
			assertThat(map.get("C#")).isNull(); // same hash again, absent
			assertThat(keys(map).subList(filler, filler + 2)).containsExactly("Aa", "BB");
			PersistentOrderedMap<Object, Object> less = map.remove("Aa");
			less.verify();
			assertThat(less.get("BB")).isEqualTo(2);
			assertThat(less.containsKey("Aa")).isFalse();
			assertThat(less.remove("C#")).isSameAs(less);
			assertThat(map.get("Aa")).isEqualTo(1);
		}
	}

	@Test
	void fixedHashKeysAllCollide() {
		LinkedHashMap<Object, Object> model = new LinkedHashMap<>();
		PersistentOrderedMap<Object, Object> map = PersistentOrderedMap.empty();
		for (int i = 0; i < 60; i++) {
			Key key = new Key("c" + i, 42);
			map = map.put(key, i);
			model.put(key, i);
		}
		// Plus keys that share only the low 30 bits, or only the low 5.
		for (int i = 0; i < 20; i++) {
			Key key = new Key("d" + i, 42 | (i << 30) | ((i & 1) << 5));
			map = map.put(key, -i);
			model.put(key, -i);
		}
		assertSame(map, model);
		for (int i = 0; i < 60; i += 2) {
			Key key = new Key("c" + i, 42);
			map = map.remove(key);
			model.remove(key);
			assertThat(map.get(key)).isNull();
		}
		assertSame(map, model);
		for (Object key : new ArrayList<>(model.keySet())) {
			map = map.remove(key);
			model.remove(key);
			map.verify();
		}
		assertThat(map.isEmpty()).isTrue();
	}

	@Test
	void growsAndShrinksThroughTheThreshold() {
		LinkedHashMap<Object, Object> model = new LinkedHashMap<>();
		PersistentOrderedMap<Object, Object> map = PersistentOrderedMap.empty();
		for (int i = 0; i < 100; i++) {
			map = map.put(i, i);
			model.put(i, i);
			assertSame(map, model);
		}
		for (int i = 0; i < 100; i++) {
			int key = (i * 37) % 100;
			map = map.remove(key);
			model.remove(key);
			assertSame(map, model);
		}
		assertThat(map).isSameAs(PersistentOrderedMap.empty());
	}

	@Test
	void becomesFlatAgainOnlyWellBelowTheThreshold() {
		PersistentOrderedMap<Object, Object> map = sequential(PersistentOrderedMap.SMALL_MAX);
		assertThat(map.isFlat()).isTrue();
		map = map.put("one more", 1);
		assertThat(map.isFlat()).isFalse();
		map = map.remove("one more");
		assertThat(map.isFlat()).isFalse();
		for (int i = 0; i < 1000; i++) {
			map = map.put("churn", i).remove("churn");
			assertThat(map.isFlat()).isFalse();
		}
		int i = 0;
		while (map.size() > PersistentOrderedMap.FLAT_AGAIN + 1) {
			map = map.remove("k" + i++);
			assertThat(map.isFlat()).isFalse();
			map.verify();
		}
		map = map.remove("k" + i++);
		assertThat(map.isFlat()).isTrue();
		map.verify();
		assertThat(keys(map)).first().isEqualTo("k" + i);
	}

	@Test
	void compactsAfterManyRemovesAndPopsTheTail() {
		LinkedHashMap<Object, Object> model = new LinkedHashMap<>();
		PersistentOrderedMap<Object, Object> map = sequential(2000);
		for (int i = 0; i < 2000; i++) {
			model.put("k" + i, i);
		}
		for (int i = 0; i < 1500; i++) {
			map = map.remove("k" + i);
			model.remove("k" + i);
			map.verify();
		}
		assertSame(map, model);
		// Put a new key and remove it again, many times: the tail slot is reused.
		for (int i = 0; i < 5000; i++) {
			map = map.put("t", i).remove("t");
		}
		assertSame(map, model);
	}

	@Test
	void builderDeduplicatesKeepingFirstPosition() {
		for (int n : new int[] { 0, 4, PersistentOrderedMap.SMALL_MAX, PersistentOrderedMap.SMALL_MAX + 1, 500, 100_000 }) {
			PersistentOrderedMapBuilder<Object, Object> builder = PersistentOrderedMap.builder();
			LinkedHashMap<Object, Object> model = new LinkedHashMap<>();
			for (int i = 0; i < n; i++) {
				builder.put("k" + i, i);
				model.put("k" + i, i);
			}
			for (int i = 0; i < n; i += 3) {
				builder.put("k" + i, -i);
				model.put("k" + i, -i);
			}
			assertThat(builder.size()).isEqualTo(n);
			PersistentOrderedMap<Object, Object> map = builder.build();
			assertSame(map, model);
			// The builder is still usable and does not affect the built map.
			builder.put("extra", 1);
			assertThat(map.containsKey("extra")).isFalse();
			model.put("extra", 1);
			assertSame(builder.build(), model);
		}
		assertThat(PersistentOrderedMap.builder().build()).isSameAs(PersistentOrderedMap.empty());
	}

	@Test
	void builderHandlesCollisions() {
		PersistentOrderedMapBuilder<Object, Object> builder = PersistentOrderedMap.builder();
		LinkedHashMap<Object, Object> model = new LinkedHashMap<>();
		for (int i = 0; i < 300; i++) {
			Key key = new Key("b" + i, i % 7 | ((i % 3) << 30));
			builder.put(key, i);
			model.put(key, i);
		}
		builder.put("Aa", 1).put("BB", 2);
		model.put("Aa", 1);
		model.put("BB", 2);
		assertSame(builder.build(), model);
	}

	// --- Properties ------------------------------------------------------------------------------

	/** An update: a put when value is non-null, else a remove. */
	record Op(Object key, Integer value) {

		static Op remove(Object key) {
			return new Op(key, null);
		}

		boolean isPut() {
			return this.value != null;
		}

	}

	private static Arbitrary<Object> keysIn(int domain) {
		return Arbitraries.integers().between(0, domain - 1).withDistribution(RandomDistribution.uniform()).map(i -> "key" + i);
	}

	/** Keys whose hashes collide often: fully, in the low bits only, or in the high bits only. */
	private static Arbitrary<Object> collidingKeys(int domain) {
		return Arbitraries.integers().between(0, domain - 1).withDistribution(RandomDistribution.uniform())
			.map(i -> new Key("x" + i, (i % 5) | ((i % 3) << 30) | (((i / 15) % 2) << 17)));
	}

	private static Arbitrary<Op> ops(Arbitrary<Object> keys, int putWeight, int removeWeight) {
		Arbitrary<Op> puts = Combinators.combine(keys, Arbitraries.integers().between(0, 3)).as(Op::new);
		Arbitrary<Op> removes = keys.map(Op::remove);
		return Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(putWeight, puts), net.jqwik.api.Tuple.of(removeWeight, removes));
	}

	/** A growth phase biased to puts followed by a shrink phase biased to removes. */
	private static Arbitrary<List<Op>> growThenShrink(Arbitrary<Object> keys, int minOps, int maxOps) {
		Arbitrary<List<Op>> grow = ops(keys, 4, 1).list().ofMinSize(minOps).ofMaxSize(maxOps)
			.withSizeDistribution(RandomDistribution.uniform());
		Arbitrary<List<Op>> shrink = ops(keys, 1, 4).list().ofMinSize(minOps).ofMaxSize(maxOps)
			.withSizeDistribution(RandomDistribution.uniform());
		return Combinators.combine(grow, shrink).as((a, b) -> {
			List<Op> all = new ArrayList<>(a);
			all.addAll(b);
			return all;
		});
	}

	@Provide
	Arbitrary<List<Op>> smallDomain() {
		return growThenShrink(keysIn(40), 10, 160);
	}

	@Provide
	Arbitrary<List<Op>> largeDomain() {
		return growThenShrink(keysIn(2500), 1500, 4000);
	}

	@Provide
	Arbitrary<List<Op>> collidingDomain() {
		return growThenShrink(collidingKeys(200), 50, 600);
	}

	private static void runAgainstModel(List<Op> ops, int checkEvery) {
		PersistentOrderedMap<Object, Object> map = PersistentOrderedMap.empty();
		LinkedHashMap<Object, Object> model = new LinkedHashMap<>();
		int step = 0;
		int max = 0;
		int transitions = 0;
		for (Op op : ops) {
			boolean wasFlat = map.isFlat();
			if (op.isPut()) {
				Object before = model.get(op.key());
				PersistentOrderedMap<Object, Object> next = map.put(op.key(), op.value());
				// Small Integers are cached, so an equal value is the identical value.
				assertThat(next == map).isEqualTo(op.value().equals(before));
				map = next;
				model.put(op.key(), op.value());
			}
			else {
				boolean present = model.containsKey(op.key());
				PersistentOrderedMap<Object, Object> next = map.remove(op.key());
				assertThat(next == map).isEqualTo(!present);
				map = next;
				model.remove(op.key());
			}
			assertThat(map.size()).isEqualTo(model.size());
			assertThat(map.get(op.key())).isEqualTo(model.get(op.key()));
			max = Math.max(max, map.size());
			if (wasFlat != map.isFlat()) {
				transitions++;
			}
			if (++step % checkEvery == 0) {
				assertSame(map, model);
			}
		}
		assertSame(map, model);
		// Drain in a random order (seeded by the input), through the large-to-small transition.
		List<Object> rest = new ArrayList<>(model.keySet());
		Collections.shuffle(rest, new Random(ops.hashCode()));
		for (Object key : rest) {
			boolean wasFlat = map.isFlat();
			map = map.remove(key);
			model.remove(key);
			if (wasFlat != map.isFlat()) {
				transitions++;
			}
			if (++step % checkEvery == 0) {
				assertSame(map, model);
			}
		}
		assertThat(map).isSameAs(PersistentOrderedMap.empty());
		net.jqwik.api.statistics.Statistics.label("max size").collect(max < 9 ? "<9" : max < 100 ? "<100" : max < 1000 ? "<1000" : ">=1000");
		net.jqwik.api.statistics.Statistics.label("transitions").collect(transitions == 0 ? "0" : transitions < 3 ? "1-2" : ">2");
	}

	@Property(tries = 300)
	void behavesLikeLinkedHashMapOnSmallDomain(@ForAll("smallDomain") List<Op> ops) {
		runAgainstModel(ops, 1);
	}

	@Property(tries = 40)
	void behavesLikeLinkedHashMapOnLargeDomain(@ForAll("largeDomain") List<Op> ops) {
		runAgainstModel(ops, 250);
	}

	@Property(tries = 100)
	void behavesLikeLinkedHashMapWithCollisions(@ForAll("collidingDomain") List<Op> ops) {
		runAgainstModel(ops, 20);
	}

	@Property(tries = 60)
	void oldVersionsAreUnchanged(@ForAll("collidingDomain") List<Op> collidingOps,
			@ForAll("smallDomain") List<Op> smallOps) {
		List<Op> ops = new ArrayList<>(collidingOps);
		ops.addAll(smallOps);
		List<PersistentOrderedMap<Object, Object>> versions = new ArrayList<>();
		List<Map<Object, Object>> snapshots = new ArrayList<>();
		PersistentOrderedMap<Object, Object> map = PersistentOrderedMap.empty();
		LinkedHashMap<Object, Object> model = new LinkedHashMap<>();
		for (int i = 0; i < ops.size(); i++) {
			Op op = ops.get(i);
			map = op.isPut() ? map.put(op.key(), op.value()) : map.remove(op.key());
			if (op.isPut()) {
				model.put(op.key(), op.value());
			}
			else {
				model.remove(op.key());
			}
			if (i % 7 == 0) {
				versions.add(map);
				snapshots.add(new LinkedHashMap<>(model));
			}
		}
		for (int i = 0; i < versions.size(); i++) {
			assertSame(versions.get(i), snapshots.get(i));
		}
	}

	@Property(tries = 50)
	void builderMatchesRepeatedPut(@ForAll("largeDomain") List<Op> ops) {
		PersistentOrderedMapBuilder<Object, Object> builder = PersistentOrderedMap.builder();
		PersistentOrderedMap<Object, Object> map = PersistentOrderedMap.empty();
		LinkedHashMap<Object, Object> model = new LinkedHashMap<>();
		for (Op op : ops) {
			if (op.isPut()) {
				builder.put(op.key(), op.value());
				map = map.put(op.key(), op.value());
				model.put(op.key(), op.value());
			}
		}
		assertSame(builder.build(), model);
		assertSame(map, model);
	}

	/**
	 * {@code putAll} (the derived writes of a commit applied to their branch in one copy) gives the
	 * same map as putting the entries one by one: values replaced in place, new keys appended in
	 * the given order, on flat maps, on maps that grow past the flat size on the way and on trie
	 * maps, colliding hashes included; the map it starts from is left as it was.
	 */
	@Property(tries = 300)
	void putAllIsTheSameAsPuttingOneByOne(@ForAll("sizes") int size, @ForAll("batches") List<Integer> batch) {
		PersistentOrderedMap<Object, Object> start = PersistentOrderedMap.empty();
		Map<Object, Object> before = new LinkedHashMap<>();
		for (int i = 0; i < size; i++) {
			Key key = new Key("k" + i, i % 7);
			start = start.put(key, i);
			before.put(key, i);
		}
		List<Object> distinct = new ArrayList<>();
		Object[] keys = new Object[batch.size()];
		Object[] values = new Object[batch.size()];
		int n = 0;
		PersistentOrderedMap<Object, Object> oneByOne = start;
		Map<Object, Object> model = new LinkedHashMap<>(before);
		for (int k : batch) {
			Key key = new Key("k" + k, k % 7);
			if (distinct.contains(key)) {
				continue;
			}
			distinct.add(key);
			// an unchanged value now and then: putAll must keep the map when nothing changes
			Object value = (k % 3 == 0 && model.containsKey(key)) ? model.get(key) : "v" + k;
			keys[n] = key;
			values[n] = value;
			n++;
			oneByOne = oneByOne.put(key, value);
			model.put(key, value);
		}
		PersistentOrderedMap<Object, Object> all = start.putAll(keys, values, n);
		assertSame(all, model);
		assertThat(keys(all)).isEqualTo(keys(oneByOne));
		assertSame(start, before);
		if (model.equals(before)) {
			assertThat(all).isSameAs(start);
		}
	}

	@Provide
	Arbitrary<Integer> sizes() {
		return Arbitraries.integers().between(0, 40);
	}

	@Provide
	Arbitrary<List<Integer>> batches() {
		return Arbitraries.integers().between(0, 50).list().ofMaxSize(24);
	}

}
