package io.statetree.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.statetree.core.StateController;
import io.statetree.core.StateStorageException;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the tree's storage: each backend (the root's and every mount's) is
 * {@link io.statetree.core.backend.StateBackend#check() checked}: memory is always up, a directory
 * must be writable, Redis must answer {@code PING} with its change feed alive. The details name
 * every backend by its mount point, with its type and, when down, the reason. The health is down
 * when any backend is.
 */
public class StateTreeHealthIndicator extends AbstractHealthIndicator {

	private final StateController controller;

	/**
	 * Creates the indicator.
	 * @param controller the controller whose backends are checked
	 */
	public StateTreeHealthIndicator(StateController controller) {
		super("StateTree health check failed");
		this.controller = controller;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean up = true;
		Map<String, Object> backends = new LinkedHashMap<>();
		for (Backends.Mounted mounted : Backends.mounted(this.controller.backend())) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("type", mounted.store().description().type());
			try {
				mounted.backend().check();
				detail.put("status", "UP");
			}
			catch (StateStorageException ex) {
				up = false;
				detail.put("status", "DOWN");
				detail.put("error", String.valueOf(ex.getMessage()));
			}
			backends.put(mounted.mountPoint().toString(), detail);
		}
		builder.status(up ? "UP" : "DOWN").withDetail("backends", backends);
	}

}
