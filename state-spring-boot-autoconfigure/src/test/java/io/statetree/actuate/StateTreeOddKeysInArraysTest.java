package io.statetree.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.core.PathPattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import tools.jackson.databind.json.JsonMapper;

import static io.statetree.actuate.EndpointFixture.ADMIN;
import static io.statetree.actuate.EndpointFixture.READER;
import static io.statetree.actuate.EndpointFixture.WRITER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller refuses, before anything is written, an object key that is not a path segment
 * ({@code a/b}, empty, {@code *}, {@code ..}, control characters, longer than a segment may be),
 * inside arrays too, and nesting beyond the path limit: the endpoint answers such a write with a
 * 400 naming the key or the limit, never the value. Such data may still be stored (written by an
 * older version, or by another tool on the backend): the tests store it through the backend SPI
 * ({@link StoredValues}), and the endpoints must still answer (no 500) and the path rules must
 * still hold there, for reads, the history, writes and deletes.
 */
class StateTreeOddKeysInArraysTest {

	private static final String FIELD = "ssn";

	private static final String MARKER = "SSN-MARKER";

	private static final StateTreeSanitizer SANITIZER = new StateTreeSanitizer(StateTreeSanitizer.DEFAULT_KEYS);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Example
	void aKeyWithASlashInsideAnArrayNeitherBreaksTheReadNorTheHistory() {
		EndpointFixture fixture = new EndpointFixture("/list/*/secret");
		fixture.store("/list", List.of(Map.of("a/b", 1, "name", "a", "secret", MARKER)));
		WebEndpointResponse<Object> read = fixture.endpoint.read(READER, new String[] { "list" }, null, null);
		assertThat(read.getStatus()).as(fixture.body(read)).isEqualTo(200);
		assertThat(fixture.body(read)).contains("a/b", "name").doesNotContain(MARKER);
		WebEndpointResponse<Object> changes = fixture.changesEndpoint.changes(READER, null, null);
		assertThat(changes.getStatus()).isEqualTo(200);
		assertThat(fixture.body(changes)).contains("a/b").doesNotContain(MARKER);
	}

	@Example
	void arraysNestedDeeperThanAPathMayBeLongKeepTheirProtectedFields() {
		EndpointFixture fixture = new EndpointFixture("/**/" + FIELD);
		Object deep = Map.of(FIELD, MARKER, "name", "deepest");
		for (int i = 0; i < 130; i++) {
			deep = List.of(deep);
		}
		fixture.store("/deep", deep);
		WebEndpointResponse<Object> read = fixture.endpoint.read(READER, new String[] { "deep" }, null, null);
		assertThat(read.getStatus()).isEqualTo(200);
		assertThat(fixture.body(read)).contains("deepest").doesNotContain(MARKER);
		WebEndpointResponse<Object> changes = fixture.changesEndpoint.changes(READER, null, null);
		assertThat(changes.getStatus()).isEqualTo(200);
		assertThat(fixture.body(changes)).contains("deepest").doesNotContain(MARKER);
		assertThat(fixture.endpoint.delete(WRITER, new String[] { "deep" }).getStatus()).isEqualTo(403);
		// Writing such a value is refused before any rule is looked at, whoever writes it.
		for (SecurityContext writer : List.of(WRITER, ADMIN)) {
			WebEndpointResponse<Object> write = fixture.endpoint.write(writer, new String[] { "other" },
					JSON.writeValueAsString(deep), null);
			assertThat(write.getStatus()).as(fixture.body(write)).isEqualTo(400);
			assertThat(fixture.message(write)).contains("128").doesNotContain(MARKER, "deepest");
		}
		assertThat(fixture.controller.exists("/deep")).isTrue();
		assertThat(fixture.controller.exists("/other")).isFalse();
		assertThat(fixture.body(fixture.endpoint.read(ADMIN, new String[] { "deep" }, null, null))).contains(MARKER);
	}

	@Example
	void aProtectedFieldUnderAKeyWithASlashCannotBeDeletedOrCreatedWithoutTheAuthority() {
		EndpointFixture fixture = new EndpointFixture("/**/" + FIELD);
		fixture.store("/data", List.of(Map.of("a/b", Map.of(FIELD, MARKER))));
		assertThat(fixture.endpoint.delete(WRITER, new String[] { "data" }).getStatus()).isEqualTo(403);
		assertThat(fixture.controller.exists("/data")).isTrue();
		// Creating one is refused for the key, before any rule is looked at, whoever writes it.
		for (SecurityContext writer : List.of(WRITER, ADMIN)) {
			WebEndpointResponse<Object> write = fixture.endpoint.write(writer, new String[] { "fresh" },
					"[{\"a/b\": {\"ssn\": \"mine\"}}]", null);
			assertThat(write.getStatus()).as(fixture.body(write)).isEqualTo(400);
			assertThat(fixture.message(write)).contains("'a/b'").doesNotContain("mine");
		}
		assertThat(fixture.controller.exists("/fresh")).isFalse();
		// The caller with the authority may still delete the stored value.
		assertThat(fixture.endpoint.delete(ADMIN, new String[] { "data" }).getStatus()).isEqualTo(200);
		assertThat(fixture.controller.exists("/data")).isFalse();
	}

	@Property(tries = 100)
	void anyKeyInsideAnArrayKeepsTheEndpointsAnsweringAndTheRulesHolding(@ForAll("oddKeys") String key,
			@ForAll("patterns") String pattern) {
		EndpointFixture fixture = new EndpointFixture(pattern);
		List<Object> list = new ArrayList<>();
		list.add(Map.of(key, Map.of(FIELD, MARKER)));
		Map<String, Object> element = new LinkedHashMap<>();
		element.put(key, List.of(Map.of(key, "plain")));
		element.put(FIELD, MARKER);
		list.add(element);
		list.add(List.of(Map.of(key, List.of(Map.of(FIELD, MARKER)))));
		fixture.store("/list", list);
		// The model: which of the three markers the rule protects (the pattern covers its path).
		PathPattern compiled = PathPattern.compile(pattern);
		boolean first = matches(compiled, "list", "0", key, FIELD);
		boolean second = matches(compiled, "list", "1", FIELD);
		boolean third = matches(compiled, "list", "2", "0", key, "0", FIELD);
		WebEndpointResponse<Object> read = fixture.endpoint.read(READER, new String[] { "list" }, null, null);
		assertThat(read.getStatus()).as(fixture.body(read)).isEqualTo(200);
		WebEndpointResponse<Object> changes = fixture.changesEndpoint.changes(READER, null, null);
		assertThat(changes.getStatus()).as(fixture.body(changes)).isEqualTo(200);
		int expected = (first ? 0 : 1) + (second ? 0 : 1) + (third ? 0 : 1);
		assertThat(count(fixture.body(read), MARKER)).as(fixture.body(read)).isEqualTo(expected);
		assertThat(count(fixture.body(changes), MARKER)).as(fixture.body(changes)).isEqualTo(expected);
		boolean guarded = first || second || third;
		boolean copyGuarded = matches(compiled, "copy", "0", key, FIELD) || matches(compiled, "copy", "1", FIELD)
				|| matches(compiled, "copy", "2", "0", key, "0", FIELD);
		// A copy written through the endpoint: a key that is not a path segment is refused first.
		WebEndpointResponse<Object> copy = fixture.endpoint.write(WRITER, new String[] { "copy" },
				JSON.writeValueAsString(list), null);
		assertThat(copy.getStatus()).as(fixture.body(copy))
			.isEqualTo(!StoredValues.isSegment(key) ? 400 : copyGuarded ? 403 : 200);
		assertThat(fixture.body(copy)).doesNotContain(MARKER);
		assertThat(fixture.controller.exists("/copy")).isEqualTo(copy.getStatus() == 200);
		assertThat(fixture.endpoint.delete(WRITER, new String[] { "list" }).getStatus())
			.isEqualTo(guarded ? 403 : 200);
		assertThat(fixture.controller.exists("/list")).isEqualTo(guarded);
		assertThat(fixture.endpoint.delete(ADMIN, new String[] { "copy" }).getStatus()).isEqualTo(200);
	}

	@Example
	void anObjectKeyThatCannotBeAPathSegmentInAWrittenBranchIsABadRequest() {
		EndpointFixture fixture = new EndpointFixture("/nothing");
		WebEndpointResponse<Object> response = fixture.endpoint.write(WRITER, new String[] { "x" },
				"{\"a/b\": \"" + MARKER + "\"}", null);
		assertThat(response.getStatus()).isEqualTo(400);
		assertThat(fixture.body(response)).contains("a/b").doesNotContain(MARKER);
		assertThat(fixture.controller.exists("/x")).isFalse();
	}

	@Property(tries = 100)
	void anyKeyInAWrittenObjectIsWrittenOrRefusedWithABadRequest(@ForAll("oddKeys") String key,
			@ForAll boolean insideArray) {
		EndpointFixture fixture = new EndpointFixture("/nothing");
		Map<String, Object> object = Map.of(key, Map.of("v", MARKER));
		String json = JSON.writeValueAsString(insideArray ? List.of(object) : object);
		WebEndpointResponse<Object> response = fixture.endpoint.write(WRITER, new String[] { "x" }, json, null);
		// The same rule inside an array as in a branch: written if the key is a path segment,
		// otherwise a 400 naming the key (never the value) and nothing written.
		assertThat(response.getStatus()).as(fixture.body(response))
			.isEqualTo(StoredValues.isSegment(key) ? 200 : 400);
		assertThat(fixture.body(response)).doesNotContain(MARKER);
		assertThat(fixture.controller.exists("/x")).isEqualTo(response.getStatus() == 200);
		if (response.getStatus() == 400) {
			assertThat(fixture.message(response)).contains("'" + StoredValues.printable(key) + "'");
		}
	}

	@Provide
	Arbitrary<String> oddKeys() {
		return Arbitraries.oneOf(
				Arbitraries.of("a/b", "/", "", "*", "**", ".", "..", "{x}", "{", "}", "\u0000", "\n", "ssn/x", FIELD,
						"name", "0", "1"),
				Arbitraries.strings().ofMinLength(256).ofMaxLength(300).withChars('x', '/'),
				Arbitraries.strings().all().ofMaxLength(8))
			.filter((key) -> key.chars().noneMatch((c) -> Character.isSurrogate((char) c)))
			.filter((key) -> !SANITIZER.isSensitive(key));
	}

	@Provide
	Arbitrary<String> patterns() {
		return Arbitraries.of("/**/" + FIELD, "/*/*/" + FIELD, "/list/*/" + FIELD, "/list/*/*/" + FIELD, "/list/2/0/*/0/" + FIELD,
				"/list/**/0/" + FIELD, "/list/{i}/{k}/" + FIELD);
	}

	/**
	 * Whether a pattern matches a path given as segments (any text) or one of its ancestors below
	 * the top-level key: the model of the rules.
	 */
	private static boolean matches(PathPattern pattern, String... segments) {
		for (int depth = 2; depth <= segments.length; depth++) {
			if (matches(pattern.segments(), 0, List.of(segments).subList(0, depth), 0)) {
				return true;
			}
		}
		return false;
	}

	private static boolean matches(List<String> tokens, int t, List<String> segments, int s) {
		if (t == tokens.size()) {
			return s == segments.size();
		}
		String token = tokens.get(t);
		if (token.equals("**")) {
			for (int next = s; next <= segments.size(); next++) {
				if (matches(tokens, t + 1, segments, next)) {
					return true;
				}
			}
			return false;
		}
		if (s == segments.size()) {
			return false;
		}
		boolean one = token.equals("*") || (token.startsWith("{") && token.endsWith("}"))
				|| token.equals(segments.get(s));
		return one && matches(tokens, t + 1, segments, s + 1);
	}

	private static int count(String text, String part) {
		int count = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
			count++;
		}
		return count;
	}

}
