package io.statetree.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.statetree.core.StateController;
import io.statetree.core.StatePath;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;

/**
 * Health of the tree's storage, one child per backend (DESIGN §9): the root's backend is named
 * {@code root}, a mount's backend by its mount point without the leading slash and with {@code .}
 * for {@code /} ({@code /persistent} → {@code persistent}, {@code /a/b} → {@code a.b}). Each child
 * {@link io.statetree.core.backend.StateBackend#check() checks} its backend (memory is always up,
 * a directory must be writable, Redis must answer {@code PING} with its change feed alive) and is
 * down with the reason, including when the check gives no answer within the timeout
 * ({@code statetree.health.timeout}): a child answers within the timeout, the whole within the
 * timeout per unreachable backend. Details: {@code mountPoint}, {@code type} and, when down,
 * {@code error}. The children are fixed when the contributor is created. Thread-safe; close it to
 * stop the threads that run the checks.
 */
public final class StateTreeHealthContributor implements CompositeHealthContributor, AutoCloseable {

	private final Map<String, MountHealthIndicator> children;

	private final List<String> order;

	private final BackendHealthChecks checks;

	/**
	 * Creates the contributor.
	 * @param controller the controller whose backends are checked
	 * @param timeout how long each backend's check is waited for, positive
	 * @throws IllegalArgumentException if the timeout is not positive
	 */
	public StateTreeHealthContributor(StateController controller, Duration timeout) {
		this.checks = new BackendHealthChecks(timeout);
		Map<String, MountHealthIndicator> byName = new LinkedHashMap<>();
		Set<String> taken = new HashSet<>();
		for (Backends.Mounted mounted : Backends.mounted(controller.backend())) {
			String name = unique(childName(mounted.mountPoint()), taken);
			byName.put(name, new MountHealthIndicator(mounted, this.checks));
		}
		this.children = Map.copyOf(byName);
		this.order = List.copyOf(byName.keySet());
	}

	/**
	 * The child name of a mount point.
	 * @param mountPoint the mount point
	 * @return {@code root} for {@code /}, else the path without its leading slash, {@code .} for
	 * {@code /}
	 */
	static String childName(StatePath mountPoint) {
		if (mountPoint.isRoot()) {
			return "root";
		}
		return mountPoint.toString().substring(1).replace('/', '.');
	}

	private static String unique(String name, Set<String> taken) {
		String candidate = name;
		for (int i = 2; !taken.add(candidate); i++) {
			candidate = name + "-" + i;
		}
		return candidate;
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		return this.children.get(name);
	}

	@Override
	public Stream<Entry> stream() {
		List<Entry> entries = new ArrayList<>();
		for (String name : this.order) {
			entries.add(new Entry(name, this.children.get(name)));
		}
		return entries.stream();
	}

	/** Stops the threads that run the checks. */
	@Override
	public void close() {
		this.checks.close();
	}

}
