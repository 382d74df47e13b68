package io.statetree.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import static io.statetree.actuate.EndpointFixture.ADMIN;
import static io.statetree.actuate.EndpointFixture.WRITER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The issue's rule exactly: {@code pattern=/list/*}{@code /secret, read=ROLE_X}, with no write
 * authorities. A caller who may not read a protected field may not replace, delete or create it
 * either: a blind overwrite destroys it, and the answer's {@code changed} would tell whether a
 * guessed value was the one stored.
 */
class StateTreeReadOnlyRuleTest {

	private static final String FIELD = "secret";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Example
	void theIssuesReadRuleAloneRefusesWritesAndDeletesOfTheProtectedElementField() {
		StateController controller = StateController.builder().build();
		StateTreeEndpointWebExtension endpoint = EndpointFixture.endpoint(controller, "/list/*/secret", Set.of());
		List<Object> list = List.of(Map.of("name", "a", FIELD, "s-1"), Map.of("name", "b"));
		controller.set("/list", list);
		// Guessing the stored value: the answer would say "changed": false for the right guess.
		assertThat(endpoint.write(WRITER, new String[] { "list" }, "[{\"name\": \"a\", \"secret\": \"s-1\"}, {\"name\": \"b\"}]", null)
			.getStatus()).isEqualTo(403);
		assertThat(endpoint.write(WRITER, new String[] { "list" }, "[{\"name\": \"x\"}]", null).getStatus()).isEqualTo(403);
		assertThat(endpoint.write(WRITER, new String[] { "list", "0" }, "{\"name\": \"x\"}", null).getStatus())
			.isEqualTo(403);
		assertThat(endpoint.delete(WRITER, new String[] { "list" }).getStatus()).isEqualTo(403);
		assertThat(endpoint.delete(WRITER, new String[] { "list", "0" }).getStatus()).isEqualTo(403);
		assertThat(controller.get("/list")).isEqualTo(list);
		// Elsewhere, and without a protected field, the writer writes.
		assertThat(endpoint.write(WRITER, new String[] { "other" }, "[{\"secret\": 1}]", null).getStatus()).isEqualTo(200);
		assertThat(endpoint.write(ADMIN, new String[] { "list" }, "[{\"name\": \"x\"}]", null).getStatus()).isEqualTo(200);
		assertThat(endpoint.write(WRITER, new String[] { "list" }, "[{\"name\": \"y\"}]", null).getStatus()).isEqualTo(200);
		assertThat(endpoint.write(WRITER, new String[] { "list" }, "[{\"secret\": \"planted\"}]", null).getStatus())
			.isEqualTo(403);
		assertThat(controller.get("/list")).isEqualTo(List.of(Map.of("name", "y")));
	}

	@Property(tries = 60)
	void aWriterWhoMayNotReadAProtectedFieldCannotReplaceCreateOrDeleteIt(@ForAll("lists") List<Object> current,
			@ForAll("lists") List<Object> replacement, @ForAll("patterns") String pattern) {
		StateController controller = StateController.builder().build();
		StateTreeEndpointWebExtension endpoint = EndpointFixture.endpoint(controller, pattern, Set.of());
		controller.set("/list", current);
		for (int i = 0; i < current.size(); i++) {
			String[] element = { "list", Integer.toString(i) };
			boolean guarded = protects(pattern, StatePath.of("/list/" + i), current.get(i));
			assertThat(endpoint.delete(WRITER, element).getStatus() == 403).as("delete /list/%d", i)
				.isEqualTo(guarded);
		}
		boolean guarded = protects(pattern, StatePath.of("/list"), current)
				|| protects(pattern, StatePath.of("/list"), replacement);
		assertThat(endpoint.write(WRITER, new String[] { "list" }, JSON.writeValueAsString(replacement), null).getStatus())
			.isEqualTo(guarded ? 403 : 200);
		assertThat(controller.get("/list")).isEqualTo(guarded ? current : replacement);
		boolean deleteGuarded = protects(pattern, StatePath.of("/list"), controller.get("/list"));
		assertThat(endpoint.delete(WRITER, new String[] { "list" }).getStatus()).isEqualTo(deleteGuarded ? 403 : 200);
		assertThat(endpoint.delete(ADMIN, new String[] { "list" }).getStatus()).isEqualTo(200);
	}

	@Provide
	Arbitrary<String> patterns() {
		return Arbitraries.of("/list/*/" + FIELD, "/list/{i}/" + FIELD, "/**/" + FIELD, "/list/1", "/list/*/items/*/" + FIELD);
	}

	/** Arrays of objects, some with the protected field (at any position), scalars, nested arrays. */
	@Provide
	Arbitrary<List<Object>> lists() {
		Arbitrary<Object> scalar = Arbitraries.oneOf(Arbitraries.strings().alpha().ofMaxLength(4).map((s) -> "v" + s),
				Arbitraries.integers().between(0, 9).map((i) -> i));
		Arbitrary<Object> object = Combinators
			.combine(scalar.list().ofMaxSize(2), Arbitraries.of(true, false), Arbitraries.integers().between(0, 2),
					Arbitraries.of(true, false))
			.as((values, secret, position, nested) -> {
				List<Map.Entry<String, Object>> fields = new ArrayList<>();
				for (int i = 0; i < values.size(); i++) {
					fields.add(Map.entry("f" + i, values.get(i)));
				}
				if (nested) {
					fields.add(Map.entry("items", List.of(Map.of(FIELD, "deep"), 1)));
				}
				if (secret) {
					fields.add(Math.min(position, fields.size()), Map.entry(FIELD, "s"));
				}
				Map<String, Object> map = new LinkedHashMap<>();
				fields.forEach((field) -> map.put(field.getKey(), field.getValue()));
				return map;
			});
		return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, object), net.jqwik.api.Tuple.of(2, scalar))
			.list()
			.ofMinSize(1)
			.ofMaxSize(4);
	}

	/** The model: whether a value at a path holds a path the pattern matches, or is one. */
	private static boolean protects(String pattern, StatePath at, @Nullable Object value) {
		PathPattern compiled = PathPattern.compile(pattern);
		if (compiled.matches(at)) {
			return true;
		}
		if (value instanceof Map<?, ?> map) {
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (protects(pattern, at.child(String.valueOf(entry.getKey())), entry.getValue())) {
					return true;
				}
			}
		}
		else if (value instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				if (protects(pattern, at.child(Integer.toString(i)), list.get(i))) {
					return true;
				}
			}
		}
		return false;
	}

}
