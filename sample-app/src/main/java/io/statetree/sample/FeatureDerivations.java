package io.statetree.sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.statetree.spring.Derived;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Derived values, kept written in the tree by StateTree: they are computed at start-up and again
 * in every commit that changes {@code /users} or {@code /flags}, inside that same commit, so a
 * reader never sees statistics that disagree with the users and flags they come from.
 */
@Component
public class FeatureDerivations {

	/**
	 * The number of administrators, at {@code /stats/admins}.
	 * @param users the users by id ({@code null} when there are none)
	 * @return the number of users with the role admin
	 */
	@Derived(path = "/stats/admins", sources = "/users")
	public int admins(@Nullable Map<String, User> users) {
		if (users == null) {
			return 0;
		}
		return (int) users.values().stream().filter(User::admin).count();
	}

	/**
	 * The enabled features of every user, at {@code /stats/features}: recomputed once per commit
	 * when users, flags or both change.
	 * @param users the users by id ({@code null} when there are none)
	 * @param flags the flags by name ({@code null} when there are none)
	 * @return the names of the flags that apply to each user, by user id
	 */
	@Derived(path = "/stats/features", sources = { "/users", "/flags" })
	public Map<String, List<String>> features(@Nullable Map<String, User> users, @Nullable Map<String, Flag> flags) {
		Map<String, List<String>> features = new LinkedHashMap<>();
		if (users == null) {
			return features;
		}
		users.forEach((id, user) -> {
			List<String> enabled = new ArrayList<>();
			if (flags != null) {
				flags.forEach((name, flag) -> {
					if (flag.appliesTo(user)) {
						enabled.add(name);
					}
				});
			}
			features.put(id, enabled);
		});
		return features;
	}

}
