package io.statetree.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.WriteOptions;
import io.statetree.core.backend.CachePolicy;
import io.statetree.core.backend.CachingBackend;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.HybridBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A value inside a leaf (an array element, or a member of an object inside an array) that
 * {@code get} reads has the leaf's lifetime, and a path inside a leaf that holds nothing has none,
 * on every backend (a CI run: Redis answered no time to live for {@code /a/0} of {@code [[]]} with
 * one, memory the leaf's). Random arrays with a time to live, then every path into them and a few
 * beside them: {@code timeToLive(p) != null} exactly when {@code get(p) != null}, and the backends
 * agree with memory on both.
 */
class RedisValueInsideALeafLifetimePropertiesTest {

	private static final RedisTestFixture REDIS = new RedisTestFixture("insideleaf");

	@BeforeContainer
	static void connect() {
		REDIS.connect();
	}

	@AfterContainer
	static void disconnect() {
		REDIS.disconnect();
	}

	@Provide
	Arbitrary<Object> leaves() {
		Arbitrary<Object> scalar = Arbitraries.oneOf(Arbitraries.integers().between(0, 3).map(i -> (Object) i),
				Arbitraries.of("x", "", "0").map(s -> (Object) s), Arbitraries.just(true));
		Arbitrary<Object> inner = Arbitraries.oneOf(scalar, scalar.list().ofMaxSize(3).map(l -> (Object) l),
				Arbitraries.maps(Arbitraries.of("b", "0", "c"), scalar).ofMaxSize(2).map(m -> (Object) new LinkedHashMap<>(m)));
		Arbitrary<Object> element = Arbitraries.oneOf(inner, inner.list().ofMaxSize(3).map(l -> (Object) l),
				Arbitraries.maps(Arbitraries.of("b", "1"), inner).ofMinSize(1).ofMaxSize(2).map(m -> (Object) new LinkedHashMap<>(m)));
		return element.list().ofMaxSize(4).map(l -> (Object) l);
	}

	@Property(tries = 30)
	void aValueInsideALeafHasTheLeafsLifetime(@ForAll("leaves") Object leaf) throws Exception {
		Path dir = java.nio.file.Files.createTempDirectory("insideleaf");
		Map<String, Supplier<StateBackend>> kinds = new LinkedHashMap<>();
		kinds.put("memory", InMemoryBackend::new);
		kinds.put("files", () -> FileSystemBackend.builder(dir.resolve("files")).build());
		kinds.put("redis", REDIS::newBackend);
		kinds.put("near cache over redis", () -> new CachingBackend(REDIS.newBackend(), CachePolicy.defaults()));
		kinds.put("hybrid with a redis mount", () -> new HybridBackend(new InMemoryBackend()).mount("/a", REDIS.newBackend()));
		List<String> paths = new ArrayList<>();
		collect("/a/v", leaf, paths);
		paths.addAll(List.of("/a/v/9", "/a/v/00", "/a/v/0/zz", "/a/v/0/0/0/0", "/a/v/x"));
		Map<String, List<String>> answers = new LinkedHashMap<>();
		for (Map.Entry<String, Supplier<StateBackend>> kind : kinds.entrySet()) {
			try (StateController c = StateController.builder().backend(kind.getValue().get()).build()) {
				c.set("/a/v", leaf, WriteOptions.ttl(Duration.ofHours(1)));
				List<String> seen = new ArrayList<>();
				for (String p : paths) {
					boolean value = c.get(p) != null;
					boolean lifetime = c.timeToLive(p) != null;
					assertThat(lifetime).as("%s: lifetime of %s (a value there: %s) in %s", kind.getKey(), p, value, leaf)
						.isEqualTo(value);
					seen.add(p + (value ? " value" : " none"));
				}
				answers.put(kind.getKey(), seen);
			}
		}
		try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((f) -> f.toFile().delete());
		}
		for (Map.Entry<String, List<String>> answer : answers.entrySet()) {
			assertThat(answer.getValue()).as("%s agrees with memory on %s", answer.getKey(), leaf)
				.isEqualTo(answers.get("memory"));
		}
	}

	/** Every path into a value, itself included. */
	private static void collect(String at, Object value, List<String> into) {
		into.add(at);
		if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				collect(at + "/" + i, list.get(i), into);
			}
		}
		else if (value instanceof Map<?, ?> map) {
			map.forEach((k, v) -> collect(at + "/" + k, v, into));
		}
	}

}
