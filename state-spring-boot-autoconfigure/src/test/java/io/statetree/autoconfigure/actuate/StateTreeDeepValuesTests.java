package io.statetree.autoconfigure.actuate;

import java.security.Principal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tree holds values nested up to 1,000 levels (arrays of arrays, objects in arrays); the JSON
 * writer of an answer accepts fewer. The value and changes endpoints still answer, showing the
 * too-deep part as a marker, and a sensitive or protected field stays hidden at any depth.
 */
class StateTreeDeepValuesTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final SecurityContext READER = caller("ROLE_STATETREE_READ");

	@Example
	void arraysOfArraysNestedSixHundredLevelsAreAnsweredWithTheDeepPartCut() {
		Fixture fixture = new Fixture();
		Object deep = "deepest-leaf";
		for (int i = 0; i < 600; i++) {
			deep = List.of(deep);
		}
		fixture.controller.set("/deep", deep);
		String value = fixture.body(fixture.endpoint.read(READER, new String[] { "deep" }));
		assertThat(value).contains(StateTreeAccess.TOO_DEEP).doesNotContain("deepest-leaf");
		String changes = fixture.body(fixture.changesEndpoint.changes(READER));
		assertThat(changes).contains(StateTreeAccess.TOO_DEEP);
		// A shallow value next to it is shown whole.
		fixture.controller.set("/shallow", List.of(List.of("shallow-leaf")));
		assertThat(fixture.body(fixture.changesEndpoint.changes(READER))).contains("shallow-leaf");
	}

	@Property(tries = 40)
	void valuesOfAnyDepthTheTreeHoldsAreAnswered(@ForAll @IntRange(min = 1, max = 998) int depth,
			@ForAll("shapes") List<Boolean> objects) {
		Fixture fixture = new Fixture();
		Object deep = Map.of("leaf", "deepest-leaf", "password", "never-shown", "ssn", "never-shown");
		for (int i = 1; i < depth; i++) {
			deep = objects.get(i % objects.size()) ? Map.of("n", deep) : List.of(deep);
		}
		fixture.controller.set("/deep", deep);
		WebEndpointResponse<Object> read = fixture.endpoint.read(READER, new String[] { "deep" });
		assertThat(read.getStatus()).isEqualTo(200);
		String value = fixture.body(read);
		String changes = fixture.body(fixture.changesEndpoint.changes(READER));
		for (String body : List.of(value, changes)) {
			assertThat(body).doesNotContain("never-shown");
			assertThat(body.contains("deepest-leaf")).isEqualTo(depth <= StateTreeAccess.MAX_SHOWN_DEPTH);
			assertThat(body.contains(StateTreeAccess.TOO_DEEP)).isEqualTo(depth > StateTreeAccess.MAX_SHOWN_DEPTH);
		}
	}

	@Provide
	Arbitrary<List<Boolean>> shapes() {
		return Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(5);
	}

	private static SecurityContext caller(String... authorities) {
		Authentication authentication = UsernamePasswordAuthenticationToken.authenticated("user", "pw",
				AuthorityUtils.createAuthorityList(authorities));
		Set<String> granted = Set.of(authorities);
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return authentication;
			}

			@Override
			public boolean isUserInRole(String role) {
				return granted.contains("ROLE_" + role);
			}

		};
	}

	private static final class Fixture {

		final StateTreeHistory history = new StateTreeHistory(100, Clock.systemUTC());

		final StateController controller = StateController.builder().observer(this.history).build();

		final StateTreeEndpoint endpoint;

		final StateTreeChangesEndpoint changesEndpoint;

		Fixture() {
			StateTreeAccess access = new StateTreeAccess("STATETREE_READ", "STATETREE_WRITE", Show.ALWAYS, Set.of(),
					new StateTreeSanitizer(StateTreeSanitizer.DEFAULT_KEYS),
					List.of(new PathRule(PathPattern.compile("/**/ssn"), Set.of("ROLE_X"), Set.of("ROLE_X"))));
			this.endpoint = new StateTreeEndpoint(this.controller, access, JSON);
			this.changesEndpoint = new StateTreeChangesEndpoint(this.history, access);
		}

		/** The answer as the endpoint's JSON writer writes it (this throws when nested too deep). */
		String body(WebEndpointResponse<Object> response) {
			return JSON.writeValueAsString(response.getBody());
		}

	}

}
