"""The HTTP side of the app, beside Streamlit's own routes on the same port (`st.App` routes and
middleware): what Argilla, browsers' scripts and crawlers ask for without a Streamlit session."""
