package io.statetree.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.TypeRef;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Users over HTTP, at {@code /api/users}. Every answer leaves the API token out.
 */
@RestController
@RequestMapping("/api/users")
public class UserApi {

	private static final TypeRef<Map<String, User>> USERS = new TypeRef<>() {
	};

	private static final TypeRef<List<String>> NAMES = new TypeRef<>() {
	};

	private final StateController state;

	/**
	 * Creates the API.
	 * @param state the state controller
	 */
	public UserApi(StateController state) {
		this.state = state;
	}

	/**
	 * Lists the users.
	 * @return the users, in the order they were added
	 */
	@GetMapping
	public List<UserView> list() {
		Map<String, User> users = this.state.get("/users", USERS);
		List<UserView> views = new ArrayList<>();
		if (users != null) {
			users.forEach((id, user) -> views.add(view(id, user)));
		}
		return views;
	}

	/**
	 * Reads one user.
	 * @param id the user's id
	 * @return the user
	 */
	@GetMapping("/{id}")
	public UserView get(@PathVariable String id) {
		User user = this.state.get(userPath(id), User.class);
		if (user == null) {
			throw notFound(id);
		}
		return view(id, user);
	}

	/**
	 * Adds or replaces a user: {@code 201 Created} for a new one, {@code 200 OK} otherwise.
	 * @param id the user's id
	 * @param user the user
	 * @return the user as stored, with its features
	 */
	@PutMapping("/{id}")
	public ResponseEntity<UserView> put(@PathVariable String id, @RequestBody User user) {
		String path = userPath(id);
		user.validated(id);
		boolean existed = this.state.exists(path);
		this.state.set(path, user);
		return ResponseEntity.status(existed ? HttpStatus.OK : HttpStatus.CREATED).body(view(id, user));
	}

	/**
	 * Changes a user's role, as an atomic read-modify-write of the user.
	 * @param id the user's id
	 * @param body {@code {"role": "admin"}} or {@code {"role": "member"}}
	 * @return the user
	 */
	@PutMapping("/{id}/role")
	public UserView role(@PathVariable String id, @RequestBody Map<String, String> body) {
		String role = User.requireRole(body.get("role"));
		User updated = this.state.update(userPath(id), User.class, (user) -> {
			if (user == null) {
				throw notFound(id);
			}
			return new User(user.name(), role, user.segments(), user.apiToken());
		});
		return view(id, existing(id, updated));
	}

	/**
	 * Adds a user to a segment, as an atomic read-modify-write of the user (a list is one value,
	 * so appending to it must read it first).
	 * @param id the user's id
	 * @param body {@code {"segment": "beta"}}
	 * @return the user
	 */
	@PostMapping("/{id}/segments")
	public UserView addSegment(@PathVariable String id, @RequestBody Map<String, String> body) {
		String segment = body.get("segment");
		if (segment == null || segment.isBlank()) {
			throw new IllegalArgumentException("'segment' must not be blank");
		}
		User updated = this.state.update(userPath(id), User.class, (user) -> {
			if (user == null) {
				throw notFound(id);
			}
			return user.withSegment(segment);
		});
		return view(id, existing(id, updated));
	}

	/**
	 * Removes a user.
	 * @param id the user's id
	 * @return {@code 204 No Content}, or {@code 404 Not Found} when there is no such user
	 */
	@DeleteMapping("/{id}")
	public ResponseEntity<Void> delete(@PathVariable String id) {
		if (!this.state.delete(userPath(id))) {
			throw notFound(id);
		}
		return ResponseEntity.noContent().build();
	}

	private UserView view(String id, User user) {
		List<String> features = this.state.get("/stats/features/" + id, NAMES);
		return new UserView(id, user.name(), user.role(), user.segments(), (features != null) ? features : List.of());
	}

	private static User existing(String id, @Nullable User user) {
		if (user == null) {
			throw notFound(id);
		}
		return user;
	}

	static String userPath(String id) {
		return "/users/" + Ids.require("user id", id);
	}

	private static ResponseStatusException notFound(String id) {
		return new ResponseStatusException(HttpStatus.NOT_FOUND, "No user '" + id + "'");
	}

	/**
	 * A user as the API shows it: without the API token, with the features they get.
	 *
	 * @param id the id
	 * @param name the display name
	 * @param role the role
	 * @param segments the segments
	 * @param features the names of the flags that apply to the user
	 */
	public record UserView(String id, String name, String role, List<String> segments, List<String> features) {
	}

}
