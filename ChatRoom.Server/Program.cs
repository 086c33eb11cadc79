// placeholder until the server lands in the next commit
return 0;
