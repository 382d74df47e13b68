package io.statetree.autoconfigure.security;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for who may read and write the tree through the StateTree actuator
 * endpoints, and how values are shown ({@code statetree.security.*}).
 */
@ConfigurationProperties("statetree.security")
public class StateTreeSecurityProperties {

	/**
	 * Role needed to read through the StateTree endpoints (without the ROLE_ prefix).
	 */
	private String readRole = "STATETREE_READ";

	/**
	 * Role needed to write and delete through the StateTree endpoint (without the ROLE_ prefix).
	 */
	private String writeRole = "STATETREE_WRITE";

	/**
	 * When to show values in endpoint responses; otherwise every value is replaced by ******.
	 * Values under sensitive keys are masked in every case. When unset: when-authorized with
	 * Spring Security on the classpath, never without it.
	 */
	private @Nullable Show showValues;

	/**
	 * Roles that are shown values when show-values is when-authorized. When empty, every caller
	 * allowed to read is shown values.
	 */
	private Set<String> showValuesRoles = new LinkedHashSet<>();

	/**
	 * Keys whose values are masked wherever values leave the process. An entry of letters,
	 * digits, '_', '-', '.' and spaces is a word or phrase matched against the words of a key
	 * (split at camelCase, snake_case, kebab-case, dots and spaces; ignoring case, plurals,
	 * surrounding whitespace and invisible characters; a phrase also matches its words run
	 * together; a word of five letters or more also matches at the end of a longer word), so
	 * 'key' masks 'apiKey' and 'sshKeys' but not 'monkey', and 'token' masks 'apitoken'. Any other
	 * entry is a regular expression that must match the whole key, ignoring case. Setting it
	 * replaces the default list; to add keys, use additional-sensitive-keys.
	 */
	private List<String> sensitiveKeys = new ArrayList<>(List.of("password", "passwd", "pwd", "passphrase", "secret",
			"token", "key", "credentials", "creds", "authorization", "bearer", "cookie", "private", "api-key",
			"access-key", "secret-key", "private-key", "access-token", "auth-token", "refresh-token", "session-token",
			"client-secret"));

	/**
	 * Sensitive key patterns added to sensitive-keys (same syntax), so that adding a key does not
	 * mean repeating, or losing, the default list.
	 */
	private List<String> additionalSensitiveKeys = new ArrayList<>();

	/**
	 * Path rules checked on every read and write through the endpoints. A rule applies to the
	 * paths its pattern matches and to everything below them; every rule that applies must grant
	 * the operation.
	 */
	private List<Rule> rules = new ArrayList<>();

	/**
	 * Returns the read role.
	 * @return the role, without the {@code ROLE_} prefix
	 */
	public String getReadRole() {
		return this.readRole;
	}

	/**
	 * Sets the read role.
	 * @param readRole the role, without the {@code ROLE_} prefix
	 */
	public void setReadRole(String readRole) {
		this.readRole = readRole;
	}

	/**
	 * Returns the write role.
	 * @return the role, without the {@code ROLE_} prefix
	 */
	public String getWriteRole() {
		return this.writeRole;
	}

	/**
	 * Sets the write role.
	 * @param writeRole the role, without the {@code ROLE_} prefix
	 */
	public void setWriteRole(String writeRole) {
		this.writeRole = writeRole;
	}

	/**
	 * Returns when values are shown.
	 * @return the setting, or null when unset
	 */
	public @Nullable Show getShowValues() {
		return this.showValues;
	}

	/**
	 * Sets when values are shown.
	 * @param showValues the setting, or null for the default
	 */
	public void setShowValues(@Nullable Show showValues) {
		this.showValues = showValues;
	}

	/**
	 * Returns the roles shown values when {@code show-values} is {@code when-authorized}.
	 * @return the roles; empty for every reader
	 */
	public Set<String> getShowValuesRoles() {
		return this.showValuesRoles;
	}

	/**
	 * Sets the roles shown values when {@code show-values} is {@code when-authorized}.
	 * @param showValuesRoles the roles; empty for every reader
	 */
	public void setShowValuesRoles(Set<String> showValuesRoles) {
		this.showValuesRoles = showValuesRoles;
	}

	/**
	 * Returns the sensitive key patterns.
	 * @return the patterns
	 */
	public List<String> getSensitiveKeys() {
		return this.sensitiveKeys;
	}

	/**
	 * Sets the sensitive key patterns.
	 * @param sensitiveKeys the patterns
	 */
	public void setSensitiveKeys(List<String> sensitiveKeys) {
		this.sensitiveKeys = sensitiveKeys;
	}

	/**
	 * Returns the sensitive key patterns added to {@link #getSensitiveKeys()}.
	 * @return the patterns
	 */
	public List<String> getAdditionalSensitiveKeys() {
		return this.additionalSensitiveKeys;
	}

	/**
	 * Sets the sensitive key patterns added to {@link #getSensitiveKeys()}.
	 * @param additionalSensitiveKeys the patterns
	 */
	public void setAdditionalSensitiveKeys(List<String> additionalSensitiveKeys) {
		this.additionalSensitiveKeys = additionalSensitiveKeys;
	}

	/**
	 * Returns the path rules.
	 * @return the rules, in order
	 */
	public List<Rule> getRules() {
		return this.rules;
	}

	/**
	 * Sets the path rules.
	 * @param rules the rules
	 */
	public void setRules(List<Rule> rules) {
		this.rules = rules;
	}

	/**
	 * A path rule.
	 */
	public static class Rule {

		/**
		 * Path pattern the rule applies to (with everything below the paths it matches), such as
		 * /users/&#42;/private or /secrets/&#42;&#42;.
		 */
		private @Nullable String pattern;

		/**
		 * Authorities of which a caller needs one to read there (such as ROLE_ADMIN). When empty,
		 * the rule does not restrict reads.
		 */
		private List<String> read = new ArrayList<>();

		/**
		 * Authorities of which a caller needs one to write or delete there; the read
		 * authorities, when set, are needed too. When both are empty, the rule does not
		 * restrict writes.
		 */
		private List<String> write = new ArrayList<>();

		/**
		 * Returns the pattern.
		 * @return the pattern, or {@code null} when not set
		 */
		public @Nullable String getPattern() {
			return this.pattern;
		}

		/**
		 * Sets the pattern.
		 * @param pattern the pattern
		 */
		public void setPattern(@Nullable String pattern) {
			this.pattern = pattern;
		}

		/**
		 * Returns the authorities that may read.
		 * @return the authorities; empty for no restriction
		 */
		public List<String> getRead() {
			return this.read;
		}

		/**
		 * Sets the authorities that may read.
		 * @param read the authorities; empty for no restriction
		 */
		public void setRead(List<String> read) {
			this.read = read;
		}

		/**
		 * Returns the authorities that may write.
		 * @return the authorities; empty for no restriction
		 */
		public List<String> getWrite() {
			return this.write;
		}

		/**
		 * Sets the authorities that may write.
		 * @param write the authorities; empty for no restriction
		 */
		public void setWrite(List<String> write) {
			this.write = write;
		}

	}

}
