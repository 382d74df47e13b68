package io.statetree.core.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The children of an expiry-trie node behave as an insertion-ordered persistent map whatever
 * their shape (none, one inline, a map): what a due-time listing, an ephemeral listing or a
 * persisted lifetime file walks.
 */
class ExpiryChildrenPropertiesTest {

	@Property(tries = 300)
	void behavesAsAnInsertionOrderedMapAndNeverChangesAnEarlierVersion(@ForAll("operations") List<String> operations) {
		ExpiryChildren<Integer> children = ExpiryChildren.empty();
		Map<String, Integer> model = new LinkedHashMap<>();
		List<ExpiryChildren<Integer>> versions = new ArrayList<>();
		List<Map<String, Integer>> models = new ArrayList<>();
		int value = 0;
		for (String op : operations) {
			String key = op.substring(1);
			if (op.charAt(0) == '+') {
				value++;
				children = children.put(key, value);
				model.put(key, value);
			}
			else {
				children = children.remove(key);
				model.remove(key);
			}
			versions.add(children);
			models.add(new LinkedHashMap<>(model));
		}
		for (int i = 0; i < versions.size(); i++) {
			assertThat(contents(versions.get(i))).as("version %d", i).containsExactlyEntriesOf(models.get(i));
			assertThat(versions.get(i).isEmpty()).isEqualTo(models.get(i).isEmpty());
			for (String key : List.of("a", "b", "c", "d")) {
				assertThat(versions.get(i).get(key)).isEqualTo(models.get(i).get(key));
			}
		}
	}

	@Test
	void anIdenticalPutOrAnAbsentRemoveReturnsTheSameInstance() {
		Integer one = 1;
		ExpiryChildren<Integer> single = ExpiryChildren.<Integer>empty().put("a", one);
		assertThat(single.put("a", one)).isSameAs(single);
		assertThat(single.remove("b")).isSameAs(single);
		ExpiryChildren<Integer> two = single.put("b", 2);
		assertThat(two.remove("c")).isSameAs(two);
		assertThat(contents(two)).containsExactly(Map.entry("a", 1), Map.entry("b", 2));
		assertThat(single.remove("a").isEmpty()).isTrue();
	}

	@Provide
	Arbitrary<List<String>> operations() {
		return Arbitraries.of("+a", "+b", "+c", "+d", "-a", "-b", "-c", "-d").list().ofMaxSize(30);
	}

	private static Map<String, Integer> contents(ExpiryChildren<Integer> children) {
		Map<String, Integer> out = new LinkedHashMap<>();
		children.forEach(out::put);
		return out;
	}

}
