package io.statetree.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The mounts as configured, one per mount: names that differ only by relaxed-binding form (case,
 * {@code -}, {@code _}) name one mount, as every other Boot property does. Spring's map binding
 * yields one entry per form it finds: {@code statetree.mounts.userSessions.path} in
 * {@code application.yaml} and {@code STATETREE_MOUNTS_USERSESSIONS_PATH} in the environment give
 * both {@code userSessions} and {@code usersessions}, each bound with the environment's value
 * winning. The mount keeps the first name written in another form than the environment's (its
 * Redis namespace derives from it). Stateless.
 */
final class MountNames {

	private MountNames() {
	}

	/**
	 * The mounts by name, in declaration order, one entry per mount.
	 * @param mounts the mounts as bound
	 * @return a new map
	 * @throws InvalidMountException when two forms of one name were bound to different paths or
	 * backends (names should be lower-case kebab-case)
	 */
	static Map<String, StateTreeMountProperties> merged(Map<String, StateTreeMountProperties> mounts) {
		Map<String, List<String>> namesByForm = new LinkedHashMap<>();
		for (String name : mounts.keySet()) {
			namesByForm.computeIfAbsent(uniform(name), (form) -> new ArrayList<>()).add(name);
		}
		Map<String, StateTreeMountProperties> merged = new LinkedHashMap<>();
		namesByForm.forEach((form, names) -> {
			// the name as written wins over the environment variable's form of it
			String kept = names.stream().filter((name) -> !name.equals(form)).findFirst().orElse(names.get(0));
			StateTreeMountProperties mount = mounts.get(kept);
			for (String name : names) {
				StateTreeMountProperties other = mounts.get(name);
				if (!Objects.equals(other.getPath(), mount.getPath())
						|| !Objects.equals(other.getBackend(), mount.getBackend())) {
					throw new InvalidMountException("statetree.mounts." + name, "and statetree.mounts." + kept
							+ " are one mount (names that differ only by case, '-' or '_' are the same name) but"
							+ " were bound to different paths or backends; name mounts in lower-case kebab-case"
							+ " (e.g. user-sessions) and set each property once", null);
				}
			}
			merged.put(kept, mount);
		});
		return merged;
	}

	/** The form a name has in an environment variable, lower-cased: without case, '-' and '_'. */
	static String uniform(String name) {
		StringBuilder form = new StringBuilder(name.length());
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c != '-' && c != '_') {
				form.append(c);
			}
		}
		return form.toString().toLowerCase(Locale.ROOT);
	}

}
