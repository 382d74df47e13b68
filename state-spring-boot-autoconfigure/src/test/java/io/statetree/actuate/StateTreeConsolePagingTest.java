package io.statetree.actuate;

import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.statetree.core.PathPattern;
import io.statetree.core.StateController;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paging the console's tree, for random branch sizes, page sizes and hidden children: the pages
 * together list every child the caller may read exactly once, in the branch's order, and nothing
 * a path rule hides; {@code total} counts what the caller may see.
 */
class StateTreeConsolePagingTest {

	@Property(tries = 100)
	void pagesListEveryReadableChildOnceInOrder(@ForAll @IntRange(min = 0, max = 400) int size,
			@ForAll @IntRange(min = 1, max = 60) int pageSize, @ForAll @IntRange(min = 0, max = 5) int hiddenEvery) {
		try (StateController controller = StateController.create()) {
			Map<String, Object> children = new LinkedHashMap<>();
			List<String> readable = new ArrayList<>();
			List<PathRule> rules = new ArrayList<>();
			rules.add(new PathRule(PathPattern.compile("/b/{n}"), Set.of(), Set.of("ROLE_W")));
			for (int i = 0; i < size; i++) {
				boolean hidden = hiddenEvery > 0 && i % hiddenEvery == 0;
				String name = (hidden ? "h" : "c") + i;
				children.put(name, (i % 3 == 0) ? Map.of("x", i) : i);
				if (hidden) {
					rules.add(new PathRule(PathPattern.compile("/b/" + name), Set.of("ROLE_X"), Set.of()));
				}
				else {
					readable.add(name);
				}
			}
			controller.set("/b/keep", 1);
			if (!children.isEmpty()) {
				controller.set("/b", children);
			}
			if (children.isEmpty()) {
				readable.add("keep");
			}
			StateTreeConsole console = new StateTreeConsole(controller,
					new StateTreeAccess("R", "W", Show.ALWAYS, List.of(),
							new StateTreeSanitizer(StateTreeSanitizer.DEFAULT_KEYS),
							rules),
					JsonMapper.builder().build());
			List<String> seen = new ArrayList<>();
			int offset = 0;
			while (true) {
				WebEndpointResponse<Object> page = console.children(reader(), "/b", offset, pageSize);
				assertThat(page.getStatus()).isEqualTo(200);
				@SuppressWarnings("unchecked")
				Map<String, Object> body = (Map<String, Object>) page.getBody();
				assertThat(body).containsEntry("total", readable.size()).containsEntry("offset", offset);
				@SuppressWarnings("unchecked")
				List<Map<String, Object>> names = (List<Map<String, Object>>) body.get("children");
				assertThat(names.size()).isLessThanOrEqualTo(pageSize);
				if (names.isEmpty()) {
					break;
				}
				names.forEach((child) -> seen.add((String) child.get("name")));
				offset += names.size();
			}
			assertThat(seen).containsExactlyElementsOf(readable);
		}
	}

	private static SecurityContext reader() {
		UsernamePasswordAuthenticationToken principal = UsernamePasswordAuthenticationToken.authenticated("reader",
				null, AuthorityUtils.createAuthorityList("ROLE_R"));
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return principal;
			}

			@Override
			public boolean isUserInRole(String role) {
				return "R".equals(role);
			}

		};
	}

}
