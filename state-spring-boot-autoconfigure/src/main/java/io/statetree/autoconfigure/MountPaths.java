package io.statetree.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.statetree.core.InvalidPathException;
import io.statetree.core.StatePath;
import org.springframework.util.StringUtils;

/**
 * Checks the configured mounts ({@code statetree.mounts.*}) before any backend is created. A class
 * of its own so that an application without mounts does not load it, nor the failure it throws
 * (a class the JVM verifies loads the exceptions it throws).
 */
final class MountPaths {

	private MountPaths() {
	}

	/**
	 * Checks every mount's path and backend, and that no two paths repeat or contain one another.
	 * @param mounts the mounts as bound, keyed by name as written
	 * @return the mount paths by name, in declaration order
	 * @throws InvalidMountException naming the property and the reason, when a mount is invalid
	 */
	static Map<String, StatePath> validate(Map<String, StateTreeMountProperties> mounts) {
		Map<String, StatePath> paths = new LinkedHashMap<>();
		MountNames.merged(mounts).forEach((name, mount) -> {
			String prefix = "statetree.mounts." + name;
			String path = mount.getPath();
			if (!StringUtils.hasText(path)) {
				throw new InvalidMountException(prefix + ".path", "is not set; every mount needs the path it is attached at",
						null);
			}
			StatePath parsed;
			try {
				parsed = StatePath.of(path);
			}
			catch (InvalidPathException ex) {
				throw new InvalidMountException(prefix + ".path", "is not a valid path: " + ex.getMessage(), ex);
			}
			if (parsed.isRoot()) {
				throw new InvalidMountException(prefix + ".path",
						"is the root; set statetree.backend to choose the root's backend", null);
			}
			if (mount.getBackend() == null) {
				throw new InvalidMountException(prefix + ".backend",
						"is not set; choose one of memory, filesystem or redis", null);
			}
			for (Map.Entry<String, StatePath> other : paths.entrySet()) {
				String otherProperty = "statetree.mounts." + other.getKey() + ".path";
				if (other.getValue().equals(parsed)) {
					throw new InvalidMountException(prefix + ".path",
							"repeats " + otherProperty + " (" + parsed + "); each mount needs its own path", null);
				}
				if (other.getValue().isAncestorOf(parsed) || parsed.isAncestorOf(other.getValue())) {
					throw new InvalidMountException(prefix + ".path", "(" + parsed + ") overlaps " + otherProperty + " ("
							+ other.getValue() + "); a mount may not contain another", null);
				}
			}
			paths.put(name, parsed);
		});
		return paths;
	}

}
