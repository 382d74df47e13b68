package io.statetree.actuate;

import java.util.List;
import java.util.Map;

import io.statetree.core.StatePath;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import static io.statetree.actuate.EndpointFixture.ADMIN;
import static io.statetree.actuate.EndpointFixture.READER;
import static io.statetree.actuate.EndpointFixture.WRITER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller refuses to write a value whose paths would have more than 128 segments (array
 * indexes count), and the endpoint answers such a write with a 400 naming the limit. A backend may
 * still hold deeper values (written by an older version, or by another tool through the backend
 * SPI, which is how these tests store them), deeper even than the JSON writer of an answer
 * accepts: the value and changes endpoints still answer, showing the too-deep part as a marker,
 * and a sensitive or protected field stays hidden at any depth.
 */
class StateTreeDeepValuesTest {

	@Example
	void arraysOfArraysNestedSixHundredLevelsAreAnsweredWithTheDeepPartCut() {
		EndpointFixture fixture = new EndpointFixture("/**/ssn");
		Object deep = "deepest-leaf";
		for (int i = 0; i < 600; i++) {
			deep = List.of(deep);
		}
		StoredValues.store(fixture.controller, "/deep", deep);
		String value = fixture.body(fixture.endpoint.read(READER, new String[] { "deep" }, null, null));
		assertThat(value).contains(StateTreeAccess.TOO_DEEP).doesNotContain("deepest-leaf");
		String changes = fixture.body(fixture.changesEndpoint.changes(READER, null, null));
		assertThat(changes).contains(StateTreeAccess.TOO_DEEP);
		// A shallow value next to it is shown whole.
		fixture.controller.set("/shallow", List.of(List.of("shallow-leaf")));
		assertThat(fixture.body(fixture.changesEndpoint.changes(READER, null, null))).contains("shallow-leaf");
		// Writing such a value through the endpoint is refused (here by the JSON read limit).
		WebEndpointResponse<Object> write = fixture.endpoint.write(WRITER, new String[] { "other" },
				"[".repeat(600) + "\"deepest-leaf\"" + "]".repeat(600), null);
		assertThat(write.getStatus()).isEqualTo(400);
		assertThat(fixture.body(write)).doesNotContain("deepest-leaf");
		assertThat(fixture.controller.exists("/other")).isFalse();
	}

	@Property(tries = 40)
	void valuesOfAnyDepthTheTreeHoldsAreAnswered(@ForAll("depths") int depth,
			@ForAll("shapes") List<Boolean> objects) {
		EndpointFixture fixture = new EndpointFixture("/**/ssn");
		Object deep = Map.of("leaf", "deepest-leaf", "password", "never-shown", "ssn", "never-shown");
		// The same value as JSON text, built by hand: the JSON writer refuses deep nesting.
		StringBuilder open = new StringBuilder();
		StringBuilder close = new StringBuilder();
		for (int i = 1; i < depth; i++) {
			boolean object = objects.get(i % objects.size());
			deep = object ? Map.of("n", deep) : List.of(deep);
			open.insert(0, object ? "{\"n\":" : "[");
			close.append(object ? "}" : "]");
		}
		String json = open + "{\"leaf\":\"deepest-leaf\",\"password\":\"never-shown\",\"ssn\":\"never-shown\"}"
				+ close;
		StoredValues.store(fixture.controller, "/deep", deep);
		WebEndpointResponse<Object> read = fixture.endpoint.read(READER, new String[] { "deep" }, null, null);
		assertThat(read.getStatus()).isEqualTo(200);
		String value = fixture.body(read);
		String changes = fixture.body(fixture.changesEndpoint.changes(READER, null, null));
		for (String body : List.of(value, changes)) {
			assertThat(body).doesNotContain("never-shown");
			assertThat(body.contains("deepest-leaf")).isEqualTo(depth <= StateTreeAccess.MAX_SHOWN_DEPTH);
			assertThat(body.contains(StateTreeAccess.TOO_DEEP)).isEqualTo(depth > StateTreeAccess.MAX_SHOWN_DEPTH);
		}
		// The same value written through the endpoint: written while its paths stay within the
		// limit (the path /written is one segment, the value adds depth), otherwise a 400 naming
		// the limit or the JSON read limit, and nothing written.
		WebEndpointResponse<Object> write = fixture.endpoint.write(ADMIN, new String[] { "written" }, json, null);
		boolean fits = 1 + depth <= StatePath.MAX_DEPTH;
		assertThat(write.getStatus()).as(fixture.body(write)).isEqualTo(fits ? 200 : 400);
		assertThat(fixture.body(write)).doesNotContain("never-shown", "deepest-leaf");
		assertThat(fixture.controller.exists("/written")).isEqualTo(fits);
		if (fits) {
			String written = fixture.body(fixture.endpoint.read(READER, new String[] { "written" }, null, null));
			assertThat(written).contains("deepest-leaf").doesNotContain("never-shown");
		}
		else if (depth < 400) {
			assertThat(fixture.body(write)).contains("more than " + StatePath.MAX_DEPTH + " segments");
		}
	}

	/** Any depth up to 998, often near the path limit. */
	@Provide
	Arbitrary<Integer> depths() {
		return Arbitraries.oneOf(Arbitraries.integers().between(1, 998),
				Arbitraries.integers().between(StatePath.MAX_DEPTH - 8, StatePath.MAX_DEPTH + 8));
	}

	@Provide
	Arbitrary<List<Boolean>> shapes() {
		return Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(5);
	}

}
