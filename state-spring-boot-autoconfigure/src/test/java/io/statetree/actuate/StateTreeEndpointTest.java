package io.statetree.actuate;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.InvalidPathException;
import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.Show;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests the technology-independent operations of the {@code statetree} endpoint (what JMX would
 * call): the caller is trusted with the roles but holds no authority, so path rules that name
 * authorities hide their parts; sensitive keys are masked; {@code show-values=never} masks every
 * value.
 */
class StateTreeEndpointTest {

	private final StateController controller = StateController.create();

	@AfterEach
	void close() {
		this.controller.close();
	}

	private StateTreeEndpoint endpoint(Show showValues) {
		this.controller.set("/open", Map.of("a", 1, "password", "hunter2"));
		this.controller.set("/guarded", Map.of("b", 2));
		this.controller.set("/list", List.of(Map.of("name", "n", "secret", "s")));
		StateTreeAccess access = new StateTreeAccess("STATETREE_READ", "STATETREE_WRITE", showValues, Set.of(),
				new StateTreeSanitizer(StateTreeSanitizer.DEFAULT_KEYS),
				List.of(new PathRule(PathPattern.compile("/guarded"), Set.of("ROLE_X"), Set.of()),
						new PathRule(PathPattern.compile("/list/*/secret"), Set.of("ROLE_X"), Set.of())));
		return new StateTreeEndpoint(this.controller, access, JsonMapper.builder().build());
	}

	@Test
	void readsShowValuesButNotWhatAPathRuleGuards() {
		StateTreeEndpoint endpoint = endpoint(Show.WHEN_AUTHORIZED);
		StateTreeEndpoint.ValueDescriptor open = endpoint.read(new String[] { "open" });
		assertThat(open).isNotNull();
		assertThat(open.path()).isEqualTo("/open");
		assertThat(open.value()).isEqualTo(Map.of("a", 1, "password", StateTreeSanitizer.MASK));
		assertThat(endpoint.read(new String[] { "guarded" })).isNull();
		assertThat(endpoint.read(new String[] { "guarded", "b" })).isNull();
		assertThat(endpoint.read(new String[] { "absent" })).isNull();
		assertThat(endpoint.read(new String[] { "open/a" })).isEqualTo(new StateTreeEndpoint.ValueDescriptor("/open/a", 1));
		assertThat(endpoint.read(new String[] { "open", "a" })).isEqualTo(endpoint.read(new String[] { "open/a" }));
		StateTreeEndpoint.ValueDescriptor list = endpoint.read(new String[] { "list" });
		assertThat(list).isNotNull();
		assertThat(list.value()).isEqualTo(List.of(Map.of("name", "n")));
	}

	@Test
	void theOverviewListsTheChildrenNoPathRuleGuards() {
		StateTreeEndpoint.TreeDescriptor overview = endpoint(Show.ALWAYS).describe();
		assertThat(overview.children()).containsExactly("open", "list");
		assertThat(overview.revision()).isEqualTo(this.controller.revision());
		assertThat(overview.backends()).singleElement()
			.satisfies((backend) -> assertThat(backend.description()).containsEntry("type", "memory"));
	}

	@Test
	void showValuesNeverMasksEveryValue() {
		StateTreeEndpoint.ValueDescriptor open = endpoint(Show.NEVER).read(new String[] { "open" });
		assertThat(open).isNotNull();
		assertThat(open.value()).isEqualTo(Map.of("a", StateTreeSanitizer.MASK, "password", StateTreeSanitizer.MASK));
	}

	@Test
	void aBadPathIsRefused() {
		StateTreeEndpoint endpoint = endpoint(Show.ALWAYS);
		assertThatExceptionOfType(InvalidPathException.class).isThrownBy(() -> endpoint.read(new String[] { ".." }));
	}

}
