package io.statetree.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import io.statetree.core.backend.FileSystemBackend;
import io.statetree.core.backend.InMemoryBackend;
import io.statetree.core.backend.StateBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.statetree.actuate.EndpointFixture.ADMIN;
import static io.statetree.actuate.EndpointFixture.READER;
import static io.statetree.actuate.EndpointFixture.WRITER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Path rules reach into arrays (index segments) for reads, writes, deletes and the history: the
 * endpoints called as plain objects on an in-memory controller, with random arrays holding a
 * protected field at random positions.
 */
class StateTreeArrayAccessTest {

	private static final String FIELD = "ssn";

	private static final String MARKER = "SSN-MARKER";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Example
	void theIssuesRuleLeavesTheSecretOutOfEveryElementForAReaderWithoutTheRole() {
		EndpointFixture fixture = new EndpointFixture("/list/*/secret");
		List<Object> list = List.of(Map.of("name", "a", "secret", "s-1"), Map.of("name", "b"),
				Map.of("name", "c", "secret", Map.of("pin", "s-3")));
		fixture.controller.set("/list", list);
		JsonNode value = fixture.read(READER, "list").get("value");
		assertThat(value.size()).isEqualTo(3);
		for (JsonNode element : value) {
			assertThat(element.has("secret")).as(element.toString()).isFalse();
		}
		assertThat(value.get(0).get("name").asString()).isEqualTo("a");
		assertThat(fixture.read(READER, "list", "0").get("value").has("secret")).isFalse();
		assertThat(fixture.endpoint.read(READER, new String[] { "list", "0", "secret" }, null, null).getStatus()).isEqualTo(403);
		JsonNode newValue = fixture.changes(READER).get("commits").get(0).get("changes").get(0).get("newValue");
		assertThat(newValue.get(0).has("secret")).isFalse();
		assertThat(newValue.get(2).has("secret")).isFalse();
		// The caller with the authority still sees the field, masked because "secret" is a sensitive key.
		assertThat(fixture.read(ADMIN, "list").get("value").get(0).get("secret").asString())
			.isEqualTo(StateTreeSanitizer.MASK);
	}

	/**
	 * {@code DELETE} of an index into an array, or below it, deletes nothing (DESIGN §2, §4): on
	 * memory and on files it answers like a delete of an absent path, reports no change, keeps
	 * the revision and the array, and no listener hears anything.
	 */
	@Example
	void deletingAnIndexIntoAnArrayReportsNoChangeOnEveryBackend() throws Exception {
		Path directory = Files.createTempDirectory("statetree-array-delete");
		try {
			for (StateBackend backend : List.of(new InMemoryBackend(),
					FileSystemBackend.builder(directory).fsync(false).build())) {
				try (StateController controller = StateController.builder()
					.backend(backend)
					.build()) {
					StateTreeEndpointWebExtension endpoint = EndpointFixture.endpoint(controller, "/nothing",
							Set.of("ROLE_STATETREE_WRITE"));
					List<Object> items = List.of(1, Map.of("x", Map.of("y", 2)));
					controller.set("/items", items);
					long revision = controller.revision();
					List<String> heard = new CopyOnWriteArrayList<>();
					controller.subscribe("/**", (event) -> heard.add(event.emittingPath().toString()));
					int absent = endpoint.delete(WRITER, new String[] { "absent" }).getStatus();
					for (String[] path : List.of(new String[] { "items", "0" }, new String[] { "items", "1", "x" },
							new String[] { "items", "1", "x", "y" }, new String[] { "items", "0", "z" })) {
						var response = endpoint.delete(WRITER, path);
						String described = backend.describe() + " " + String.join("/", path);
						assertThat(response.getStatus()).as(described).isEqualTo(absent);
						StateTreeEndpoint.WriteDescriptor written = (StateTreeEndpoint.WriteDescriptor) response.getBody();
						assertThat(written.changed()).as(described).isFalse();
						assertThat(written.revision()).as(described).isEqualTo(revision);
					}
					assertThat(controller.get("/items")).isEqualTo(items);
					assertThat(controller.revision()).isEqualTo(revision);
					// synchronous dispatch (the default): a commit's listeners have run when it returns
					controller.set("/after", 1);
					assertThat(heard).containsExactly("/after");
				}
			}
		}
		finally {
			try (var paths = Files.walk(directory)) {
				for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(path);
				}
			}
		}
	}

	@Example
	void theIssuesRuleRefusesWritesAndDeletesThatReplaceAProtectedElementField() {
		EndpointFixture fixture = new EndpointFixture("/list/*/secret");
		List<Object> list = List.of(Map.of("name", "a", "secret", "s-1"));
		fixture.controller.set("/list", list);
		assertThat(fixture.endpoint.write(WRITER, new String[] { "list" }, "[{\"name\": \"x\"}]", null).getStatus())
			.isEqualTo(403);
		assertThat(fixture.endpoint.write(WRITER, new String[] { "list", "0" }, "{\"name\": \"x\"}", null).getStatus())
			.isEqualTo(403);
		assertThat(fixture.endpoint.delete(WRITER, new String[] { "list" }).getStatus()).isEqualTo(403);
		assertThat(fixture.endpoint.delete(WRITER, new String[] { "list", "0" }).getStatus()).isEqualTo(403);
		assertThat(fixture.controller.get("/list")).isEqualTo(list);
		// Creating a protected field is refused too.
		assertThat(fixture.endpoint.write(WRITER, new String[] { "other" }, "[1]", null).getStatus()).isEqualTo(200);
		assertThat(fixture.endpoint.write(WRITER, new String[] { "list" }, "[1, {\"secret\": \"mine\"}]", null).getStatus())
			.isEqualTo(403);
		assertThat(fixture.endpoint.write(ADMIN, new String[] { "list" }, "[{\"name\": \"x\"}]", null).getStatus())
			.isEqualTo(200);
		assertThat(fixture.controller.get("/list")).isEqualTo(List.of(Map.of("name", "x")));
		assertThat(fixture.endpoint.write(WRITER, new String[] { "list" }, "[{\"name\": \"y\"}]", null).getStatus())
			.isEqualTo(200);
	}

	@Example
	void anArrayElementTheCallerMayNotReadReadsAsNullSoTheOthersKeepTheirIndex() {
		EndpointFixture fixture = new EndpointFixture("/list/1", List.of());
		fixture.controller.set("/list", List.of("a", Map.of("ssn", MARKER), "c"));
		JsonNode value = fixture.read(READER, "list").get("value");
		assertThat(value.size()).isEqualTo(3);
		assertThat(value.get(0).asString()).isEqualTo("a");
		assertThat(value.get(1).isNull()).isTrue();
		assertThat(value.get(2).asString()).isEqualTo("c");
		assertThat(fixture.read(ADMIN, "list").get("value").get(1).get("ssn").asString()).isEqualTo(MARKER);
	}

	@Property(tries = 50)
	void aReaderWithoutTheAuthorityNeverSeesAProtectedElementField(@ForAll("lists") List<Object> first,
			@ForAll("lists") List<Object> second, @ForAll("patterns") String pattern) {
		EndpointFixture fixture = new EndpointFixture(pattern);
		fixture.controller.set("/list", first);
		fixture.controller.set("/list", second);
		fixture.controller.set("/other", Map.of("list", List.of(Map.of("name", "n"))));
		List<String> bodies = new ArrayList<>();
		bodies.add(fixture.body(fixture.endpoint.describe(READER)));
		bodies.add(fixture.body(fixture.endpoint.read(READER, new String[] { "list" }, null, null)));
		for (StatePath path : paths(StatePath.of("/list"), second)) {
			bodies.add(fixture.body(fixture.endpoint.read(READER, path.segments().toArray(String[]::new), null, null)));
		}
		bodies.add(fixture.body(fixture.changesEndpoint.changes(READER, null, null)));
		for (String body : bodies) {
			assertThat(body).doesNotContain(MARKER);
		}
		// The reader is shown the array with every element in its place.
		assertThat(fixture.read(READER, "list").get("value").size()).isEqualTo(second.size());
		// The caller with the authority is shown what the reader is not: the test can fail.
		assertThat(fixture.body(fixture.endpoint.read(ADMIN, new String[] { "list" }, null, null)).contains(MARKER))
			.isEqualTo(JSON.writeValueAsString(second).contains(MARKER));
		assertThat(fixture.body(fixture.changesEndpoint.changes(ADMIN, null, null)).contains(MARKER))
			.isEqualTo(JSON.writeValueAsString(List.of(first, second)).contains(MARKER));
	}

	@Property(tries = 50)
	void aWriterWithoutTheAuthorityCannotReplaceCreateOrDeleteAProtectedField(@ForAll("lists") List<Object> current,
			@ForAll("lists") List<Object> replacement, @ForAll("patterns") String pattern) {
		EndpointFixture fixture = new EndpointFixture(pattern);
		fixture.controller.set("/list", current);
		for (int i = 0; i < current.size(); i++) {
			String[] element = { "list", Integer.toString(i) };
			boolean guarded = protects(pattern, StatePath.of("/list/" + i), current.get(i));
			assertThat(fixture.endpoint.write(WRITER, element, "{\"name\": \"x\"}", null).getStatus() == 403)
				.as("write /list/%d", i)
				.isEqualTo(guarded);
			assertThat(fixture.endpoint.delete(WRITER, element).getStatus() == 403).as("delete /list/%d", i)
				.isEqualTo(guarded);
			assertThat(fixture.endpoint.write(ADMIN, element, "{\"name\": \"x\"}", null).getStatus()).isNotEqualTo(403);
		}
		boolean guarded = protects(pattern, StatePath.of("/list"), current)
				|| protects(pattern, StatePath.of("/list"), replacement);
		int status = fixture.endpoint.write(WRITER, new String[] { "list" }, JSON.writeValueAsString(replacement), null)
			.getStatus();
		assertThat(status).isEqualTo(guarded ? 403 : 200);
		assertThat(fixture.controller.get("/list")).isEqualTo(guarded ? current : replacement);
		Object now = fixture.controller.get("/list");
		boolean deleteGuarded = protects(pattern, StatePath.of("/list"), now);
		assertThat(fixture.endpoint.delete(WRITER, new String[] { "list" }).getStatus())
			.isEqualTo(deleteGuarded ? 403 : 200);
		assertThat(fixture.controller.exists("/list")).isEqualTo(deleteGuarded);
		assertThat(fixture.endpoint.delete(ADMIN, new String[] { "list" }).getStatus()).isEqualTo(200);
	}

	@Property(tries = 50)
	void sensitiveKeysInsideArraysAreMaskedForEveryCallerInEveryEndpoint(@ForAll("sensitiveKeys") String key,
			@ForAll("lists") List<Object> list, @ForAll @net.jqwik.api.constraints.IntRange(max = 5) int position) {
		EndpointFixture fixture = new EndpointFixture("/nothing");
		List<Object> elements = new ArrayList<>(list);
		Map<String, Object> element = new LinkedHashMap<>();
		element.put("name", "shown-name");
		element.put(key, Map.of("inner", "MASK-ME"));
		elements.add(Math.min(position, elements.size()), List.of(element));
		elements.add(Map.of("nested", List.of(Map.of(key, "MASK-ME"))));
		fixture.controller.set("/list", elements);
		fixture.controller.set("/list", List.of(Map.of(key, "MASK-ME-TOO")));
		List<String> bodies = new ArrayList<>();
		bodies.add(fixture.body(fixture.endpoint.describe(ADMIN)));
		bodies.add(fixture.body(fixture.endpoint.read(ADMIN, new String[] { "list" }, null, null)));
		bodies.add(fixture.body(fixture.endpoint.read(ADMIN, new String[] { "list", "0" }, null, null)));
		String changes = fixture.body(fixture.changesEndpoint.changes(ADMIN, null, null));
		bodies.add(changes);
		for (String body : bodies) {
			assertThat(body).doesNotContain("MASK-ME");
		}
		assertThat(changes).contains("shown-name");
	}

	@Provide
	Arbitrary<String> sensitiveKeys() {
		return StateTreeSanitizerTest.decoratedSensitiveKeys().filter(StateTreeArrayAccessTest::isSegment);
	}

	private static boolean isSegment(String key) {
		try {
			return StatePath.ROOT.child(key).depth() == 1;
		}
		catch (io.statetree.core.InvalidPathException ex) {
			return false;
		}
	}

	/** The model: whether a value at a path holds a field the rule's pattern protects. */
	private static boolean protects(String pattern, StatePath at, @Nullable Object value) {
		PathPattern compiled = PathPattern.compile(pattern);
		for (StatePath path : paths(at, value)) {
			if (compiled.matches(path)) {
				return true;
			}
		}
		return compiled.matches(at);
	}

	/** Every path strictly below a path inside a value: object fields and array indexes. */
	private static List<StatePath> paths(StatePath at, @Nullable Object value) {
		List<StatePath> paths = new ArrayList<>();
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, child) -> {
				StatePath path = at.child(String.valueOf(key));
				paths.add(path);
				paths.addAll(paths(path, child));
			});
		}
		else if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				StatePath path = at.child(Integer.toString(i));
				paths.add(path);
				paths.addAll(paths(path, list.get(i)));
			}
		}
		return paths;
	}

	@Provide
	Arbitrary<String> patterns() {
		return Arbitraries.of("/list/*/" + FIELD, "/list/{index}/" + FIELD, "/**/" + FIELD, "/list/*/" + FIELD + "/**");
	}

	/**
	 * Arrays of objects (some holding the protected field, with the marker, at a random position
	 * among other fields), scalars and nested arrays. A protected field nested deeper holds no
	 * marker: the rules {@code /list/*}{@code /ssn} do not reach it.
	 */
	@Provide
	Arbitrary<List<Object>> lists() {
		Arbitrary<Object> scalar = Arbitraries.oneOf(Arbitraries.strings().alpha().ofMaxLength(6).map((s) -> "v" + s),
				Arbitraries.integers().between(-5, 500).map((i) -> i), Arbitraries.of(true, false));
		Arbitrary<Object> nestedObject = Combinators.combine(scalar, Arbitraries.of(true, false)).as((label, guarded) -> {
			Map<String, Object> object = new LinkedHashMap<>();
			object.put("label", label);
			if (guarded) {
				object.put(FIELD, "nested-plain");
			}
			return object;
		});
		Arbitrary<Object> marked = Arbitraries.of(MARKER, Map.of("number", MARKER), List.of(1, MARKER));
		Arbitrary<Object> element = Combinators
			.combine(scalar.list().ofMaxSize(3), nestedObject.list().ofMaxSize(2), marked.optional(0.7).map((o) -> o.orElse(null)),
					Arbitraries.integers().between(0, 3))
			.as((values, items, secret, position) -> {
				List<Map.Entry<String, Object>> fields = new ArrayList<>();
				for (int i = 0; i < values.size(); i++) {
					fields.add(Map.entry("f" + i, values.get(i)));
				}
				if (!items.isEmpty()) {
					fields.add(Map.entry("items", items));
				}
				if (secret != null) {
					fields.add(Math.min(position, fields.size()), Map.entry(FIELD, secret));
				}
				Map<String, Object> object = new LinkedHashMap<>();
				fields.forEach((field) -> object.put(field.getKey(), field.getValue()));
				return object;
			});
		Arbitrary<Object> any = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, element), net.jqwik.api.Tuple.of(2, scalar),
				net.jqwik.api.Tuple.of(1, nestedObject.list().ofMaxSize(2).map((l) -> (Object) l)));
		return any.list().ofMinSize(1).ofMaxSize(5);
	}

}
