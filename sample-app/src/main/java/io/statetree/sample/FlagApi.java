package io.statetree.sample;

import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.TypeRef;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Feature flags over HTTP, at {@code /api/flags}.
 */
@RestController
@RequestMapping("/api/flags")
public class FlagApi {

	private static final TypeRef<Map<String, Flag>> FLAGS = new TypeRef<>() {
	};

	private final StateController state;

	/**
	 * Creates the API.
	 * @param state the state controller
	 */
	public FlagApi(StateController state) {
		this.state = state;
	}

	/**
	 * Lists the flags.
	 * @return the flags by name
	 */
	@GetMapping
	public Map<String, Flag> list() {
		Map<String, Flag> flags = this.state.get("/flags", FLAGS);
		return (flags != null) ? flags : Map.of();
	}

	/**
	 * Adds or replaces a flag: {@code 201 Created} for a new one, {@code 200 OK} otherwise.
	 * @param name the flag's name
	 * @param flag the flag
	 * @return the flag
	 */
	@PutMapping("/{name}")
	public ResponseEntity<Flag> put(@PathVariable String name, @RequestBody Flag flag) {
		String path = flagPath(name);
		boolean existed = this.state.exists(path);
		this.state.set(path, flag);
		return ResponseEntity.status(existed ? HttpStatus.OK : HttpStatus.CREATED).body(flag);
	}

	/**
	 * Switches a flag on or off, as an atomic read-modify-write (atomic across instances on Redis).
	 * @param name the flag's name
	 * @return the flag after the switch
	 */
	@PostMapping("/{name}/toggle")
	public Flag toggle(@PathVariable String name) {
		Flag flag = this.state.update(flagPath(name), Flag.class, (current) -> {
			if (current == null) {
				throw notFound(name);
			}
			return current.toggled();
		});
		if (flag == null) {
			throw notFound(name);
		}
		return flag;
	}

	/**
	 * Changes several flags in one batch: all or nothing, one commit, and the derived features
	 * recomputed once. A {@code null} flag deletes it.
	 * @param changes the new flags by name
	 * @return all flags after the batch
	 */
	@PatchMapping
	public Map<String, Flag> patch(@RequestBody Map<String, @Nullable Flag> changes) {
		changes.keySet().forEach(FlagApi::flagPath);
		this.state.batch(() -> changes.forEach((name, flag) -> this.state.set(flagPath(name), flag)));
		return list();
	}

	/**
	 * Removes a flag.
	 * @param name the flag's name
	 * @return {@code 204 No Content}, or {@code 404 Not Found} when there is no such flag
	 */
	@DeleteMapping("/{name}")
	public ResponseEntity<Void> delete(@PathVariable String name) {
		if (!this.state.delete(flagPath(name))) {
			throw notFound(name);
		}
		return ResponseEntity.noContent().build();
	}

	private static String flagPath(String name) {
		return "/flags/" + Ids.require("flag name", name);
	}

	private static ResponseStatusException notFound(String name) {
		return new ResponseStatusException(HttpStatus.NOT_FOUND, "No flag '" + name + "'");
	}

}
