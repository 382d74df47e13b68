package io.statetree.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sample's accounts ({@code sample.security.*}). Spring Boot's {@code spring.security.user}
 * holds a single user; the sample has two, an operator who may read the state through the
 * actuator and an administrator who may also write it.
 */
@ConfigurationProperties("sample.security")
public class SampleSecurityProperties {

	/**
	 * Accounts by user name.
	 */
	private final Map<String, Account> users = new LinkedHashMap<>();

	/**
	 * Returns the accounts by user name.
	 * @return the accounts
	 */
	public Map<String, Account> getUsers() {
		return this.users;
	}

	/**
	 * One account.
	 */
	public static class Account {

		/**
		 * Password, with its encoding prefix such as {noop} or {bcrypt}.
		 */
		private String password = "";

		/**
		 * Roles, without the ROLE_ prefix, such as STATETREE_READ.
		 */
		private List<String> roles = List.of();

		/**
		 * Returns the encoded password.
		 * @return the password
		 */
		public String getPassword() {
			return this.password;
		}

		/**
		 * Sets the encoded password.
		 * @param password the password
		 */
		public void setPassword(String password) {
			this.password = password;
		}

		/**
		 * Returns the roles.
		 * @return the roles
		 */
		public List<String> getRoles() {
			return this.roles;
		}

		/**
		 * Sets the roles.
		 * @param roles the roles
		 */
		public void setRoles(List<String> roles) {
			this.roles = List.copyOf(roles);
		}

	}

}
