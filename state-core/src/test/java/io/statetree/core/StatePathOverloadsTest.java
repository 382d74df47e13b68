package io.statetree.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link StatePath} overloads do what the {@code String} ones do: one scenario runs on two
 * in-memory controllers, once through each kind of overload (controller, derivations, the
 * {@link StateEvent}, {@link StateView} and {@link DeriveData} a listener or transform receives),
 * and must observe the same answers, events and final tree. The behaviour suite covers the
 * backends; this covers the delegation.
 */
class StatePathOverloadsTest {

	record User(String name, int age) {
	}

	@Test
	void bothKindsOfOverloadGiveTheSameAnswersEventsAndTree() {
		List<Object> byString = new ArrayList<>();
		List<Object> byStatePath = new ArrayList<>();
		Object treeByString;
		Object treeByStatePath;
		try (StateController controller = StateController.create()) {
			scenario(controller, false, byString);
			treeByString = controller.get("/");
		}
		try (StateController controller = StateController.create()) {
			scenario(controller, true, byStatePath);
			treeByStatePath = controller.get("/");
		}
		assertThat(byStatePath).isEqualTo(byString);
		assertThat(treeByStatePath).isEqualTo(treeByString);
		// the scenario is not vacuous: derivations, listener reads and writes all took effect
		assertThat(byString).contains(List.of("ada"), "heard /users/ada payload=p");
		assertThat(treeByString).isEqualTo(Map.of("users", Map.of("bob", Map.of("name", "bob", "age", 7)), "stats",
				Map.of("names", List.of("bob"), "count", 1, "oldest", 7, "bobKnown", true, "summary", "bob=7"),
				"audit", Map.of("last", "bob", "age", 7)));
	}

	private static StatePath p(String path) {
		return StatePath.of(path);
	}

	private static void scenario(StateController c, boolean statePaths, List<Object> seen) {
		// derivations registered first, so every later write recomputes them
		if (statePaths) {
			c.derive(p("/stats/names"), p("/users"), (users) -> (users instanceof Map<?, ?> map) ? List.copyOf(map.keySet()) : List.of());
			c.derive(p("/stats/count"), p("/users"), Map.class, (users) -> (users != null) ? users.size() : 0);
			c.derive(p("/stats/oldest"), p("/users"), new TypeRef<Map<String, User>>() {
			}, (users) -> (users != null) ? users.values().stream().mapToInt(User::age).max().orElse(0) : 0);
			c.deriveMany(p("/stats/summary"), List.of(p("/users/bob"), p("/users/bob/age")), (data) -> {
				User bob = data.get(p("/users/bob"), User.class);
				Integer age = data.get(p("/users/bob/age"), new TypeRef<Integer>() {
				});
				return (bob != null) ? bob.name() + "=" + age + (data.get(p("/users/bob")) != null ? "" : "?") : null;
			});
			c.deriveTracked(p("/stats/bobKnown"), (view) -> view.exists(p("/users/bob"))
					&& view.get(p("/users/bob"), User.class) != null && view.get(p("/users/bob/name")) != null
					&& view.get(p("/users/bob/age"), new TypeRef<Integer>() {
					}) != null);
		}
		else {
			c.derive("/stats/names", "/users", (users) -> (users instanceof Map<?, ?> map) ? List.copyOf(map.keySet()) : List.of());
			c.derive("/stats/count", "/users", Map.class, (users) -> (users != null) ? users.size() : 0);
			c.derive("/stats/oldest", "/users", new TypeRef<Map<String, User>>() {
			}, (users) -> (users != null) ? users.values().stream().mapToInt(User::age).max().orElse(0) : 0);
			c.deriveMany("/stats/summary", List.of("/users/bob", "/users/bob/age"), (data) -> {
				User bob = data.get("/users/bob", User.class);
				Integer age = data.get("/users/bob/age", new TypeRef<Integer>() {
				});
				return (bob != null) ? bob.name() + "=" + age + (data.get("/users/bob") != null ? "" : "?") : null;
			});
			c.deriveTracked("/stats/bobKnown", (view) -> view.exists("/users/bob")
					&& view.get("/users/bob", User.class) != null && view.get("/users/bob/name") != null
					&& view.get("/users/bob/age", new TypeRef<Integer>() {
					}) != null);
		}
		c.subscribe("/users/*", (event) -> {
			seen.add("heard " + event.path() + " payload=" + event.payload());
			if (event.newValue() != null && event.path().name().equals("bob")) {
				User read = statePaths ? event.get(p("/users/bob"), User.class) : event.get("/users/bob", User.class);
				Object names = statePaths ? event.get(p("/stats/names")) : event.get("/stats/names");
				seen.add("listener read " + read + " " + names);
				if (statePaths) {
					event.set(p("/audit/last"), read.name());
					event.set(p("/audit/age"), read.age());
				}
				else {
					event.set("/audit/last", read.name());
					event.set("/audit/age", read.age());
				}
			}
		});
		if (statePaths) {
			seen.add(c.set(p("/users/ada"), new User("ada", 36), WriteOptions.payload("p")));
			seen.add(c.get(p("/stats/names")));
			seen.add(c.set(p("/users/ada"), new User("ada", 36)));
			seen.add(c.getOrWrite(p("/users/bob"), User.class, new User("bob", 5)));
			seen.add(c.update(p("/users/bob/age"), Integer.class, (age) -> age + 2));
			seen.add(c.get(p("/users/bob"), User.class));
			seen.add(c.get(p("/users/zed"), User.class, new User("zed", 0)));
			seen.add(c.exists(p("/users/ada")));
			seen.add(c.childNames(p("/users")));
			c.ping(p("/users/ada"));
			c.ping(p("/users/ada"), "ping-payload");
			seen.add(c.delete(p("/users/ada")));
			seen.add(c.delete(p("/users/ada")));
		}
		else {
			seen.add(c.set("/users/ada", new User("ada", 36), WriteOptions.payload("p")));
			seen.add(c.get("/stats/names"));
			seen.add(c.set("/users/ada", new User("ada", 36)));
			seen.add(c.getOrWrite("/users/bob", User.class, new User("bob", 5)));
			seen.add(c.update("/users/bob/age", Integer.class, (age) -> age + 2));
			seen.add(c.get("/users/bob", User.class));
			seen.add(c.get("/users/zed", User.class, new User("zed", 0)));
			seen.add(c.exists("/users/ada"));
			seen.add(c.childNames("/users"));
			c.ping("/users/ada");
			c.ping("/users/ada", "ping-payload");
			seen.add(c.delete("/users/ada"));
			seen.add(c.delete("/users/ada"));
		}
		seen.add(c.get("/stats"));
	}

}
